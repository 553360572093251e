import os

import prefect
from prefect.context import get_settings_context
from prefect.settings import get_current_settings

settings = get_current_settings()  # environment, then the active profile, then defaults
print(f"Prefect: {prefect.__version__}")
print(f"Home: {settings.home}")
print(f"Profile: {get_settings_context().profile.name}")
analytics = os.environ.get("PREFECT_SERVER_ANALYTICS_ENABLED", "true")
print(f"Analytics: {'on' if analytics == 'true' else 'off'}")
