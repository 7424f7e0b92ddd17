from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels
from tracker.prioritisation.models import Method, RoundStatus

register_labels([(Method.DOTS, _l("Dot voting")), (Method.SCORING, _l("Scoring (importance × urgency)")),
                 (RoundStatus.OPEN, _l("Open")), (RoundStatus.CLOSED, _l("Closed"))])
