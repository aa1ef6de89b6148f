"""Factories for training tests: a published module with a two-question quiz, assigned to everyone."""

from __future__ import annotations

from typing import Any

import factory

from relais.core.tests.factories import BrandFactory
from relais.training import services
from relais.training.models import ModuleStatus, TrainingModule


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "Les bases de la gamme"
    body = "## Atlas\n\nLa lampe **Atlas** tient 8 h."
    status = ModuleStatus.DRAFT
    pass_mark = 50


def published_module(
    brand: Any, *, points: int = 0, pass_mark: int = 50, assign: bool = True, **fields: Any
) -> Any:  # a TrainingModule with its answer sets (right, half, wrong) attached
    """A published module of two questions (the first with one right answer, the second with two), assigned
    to everyone of the brand unless told not to. ``module.right`` is the answers that score 100 %,
    ``module.wrong`` the ones that score 0 %."""
    module: Any = TrainingModuleFactory(brand=brand, points=points, pass_mark=pass_mark, **fields)
    q1 = services.question_add(
        module=module,
        text="Autonomie de l'Atlas ?",
        choices=[("8 h", True), ("2 h", False), ("30 min", False)],
    )
    q2 = services.question_add(
        module=module,
        text="Quels usages ?",
        choices=[("Chantier", True), ("Atelier", True), ("Plongée", False)],
    )
    module = services.module_publish(module=module)
    if assign:
        services.assignment_add(module=module, target="everyone")
    c1 = list(q1.choices.order_by("position").values_list("pk", flat=True))
    c2 = list(q2.choices.order_by("position").values_list("pk", flat=True))
    module.right = {q1.pk: [c1[0]], q2.pk: [c2[0], c2[1]]}
    module.half = {q1.pk: [c1[0]], q2.pk: [c2[0]]}
    module.wrong = {q1.pk: [c1[1]], q2.pk: [c2[2]]}
    return module
