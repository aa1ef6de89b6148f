"""What happens across domains after something happened in one of them.

A declaration counted (submitted, reviewed, imported), the network changed (tiers, segments), a period closed:
each such workflow is one function here that calls the domains below explicitly, in order, and schedules
their background work after commit. The domains never call the domains above them; entry points (views,
APIs, commands, the job runner) call these functions when an action has consequences in other domains.
"""
