import os

import prefect
from prefect.settings import get_current_settings

settings = get_current_settings()  # environment, then the active profile, then defaults
print(f"Prefect: {prefect.__version__}")
print(f"Home: {settings.home}")
print(f"Profile: {os.environ.get('PREFECT_PROFILE', 'default')}")
print(f"Analytics: {'on' if settings.server.analytics_enabled else 'off'}")
