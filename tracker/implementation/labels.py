from flask_babel import lazy_gettext as _l

from tracker.implementation.models import Light
from tracker.labels import register_labels

register_labels([(Light.GREEN, _l("On track")), (Light.YELLOW, _l("Needs attention")), (Light.RED, _l("At risk"))])
