from flask_babel import lazy_gettext as _l

from tracker.labels import register_labels, register_object
from tracker.messages import plural_message, register_enum, register_messages
from tracker.prioritisation.models import Method, RoundStatus

register_labels([(Method.DOTS, _l("Dot voting")), (Method.SCORING, _l("Scoring (importance × urgency)")),
                 (RoundStatus.OPEN, _l("Open")), (RoundStatus.CLOSED, _l("Closed"))])
register_object("prioritisation_round", _l("Prioritisation round"), "prioritisation.show", "round_id")
register_enum("prioritisation_method", Method)
# The reason a measure became prioritised, written when the steering group marks the round's winners.
register_messages({
    "prioritisation.prioritised_dots": _l("Prioritisation round “%(title)s”: rank %(rank)s with %(score)s points"),
    "prioritisation.prioritised_scoring": _l("Prioritisation round “%(title)s”: rank %(rank)s with a score of "
                                             "%(score)s"),
})
# Texts written into the audit log.
register_messages({
    "prioritisation.round": _l("%(method)s: %(title)s"),
    "prioritisation.ballot": _l("ballot of user %(user)s"),
    "prioritisation.room_ballot": _l("room ballot of phone %(phone)s"),
    "prioritisation.paper_tally": plural_message("paper tally %(id)s: %(num)s person",
                                                 "paper tally %(id)s: %(num)s people"),
})
