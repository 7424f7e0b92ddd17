from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels, register_object
from tracker.messages import register_messages
from tracker.prioritisation.models import Method, RoundStatus

register_labels([(Method.DOTS, _l("Dot voting")), (Method.SCORING, _l("Scoring (importance × urgency)")),
                 (RoundStatus.OPEN, _l("Open")), (RoundStatus.CLOSED, _l("Closed"))])
register_object("prioritisation_round", _l("Prioritisation round"), "prioritisation.show", "round_id")
# The reason a measure became prioritised, written when the steering group marks the round's winners.
register_messages({
    "prioritisation.prioritised_dots": _l("Prioritisation round “%(title)s”: rank %(rank)s with %(score)s points"),
    "prioritisation.prioritised_scoring": _l("Prioritisation round “%(title)s”: rank %(rank)s with a score of "
                                             "%(score)s"),
})
