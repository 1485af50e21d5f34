import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
os.environ.setdefault("PORTAL_PROCESS", "web")  # the web's statement timeout (settings.py)

application = get_wsgi_application()
