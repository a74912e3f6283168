"""Shared test configuration: the hypothesis profiles and the doctest namespace."""

import os

from hypothesis import HealthCheck, Phase, settings

# CI: bounded examples, no deadline, no example database; a failure is shrunk but
# not "explained" (that phase can take minutes on a slow case)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
