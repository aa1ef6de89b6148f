from django.conf import settings


def relais(request):
    user = getattr(request, "user", None)
    return {
        "RELAIS_DEBUG": settings.DEBUG,
        "relais_brand": getattr(user, "brand", None) if user and user.is_authenticated else None,
    }
