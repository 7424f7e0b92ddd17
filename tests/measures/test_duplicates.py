"""Duplicate suggestions find German near-duplicates among many unrelated ideas."""

import pytest

from tests import factories
from tracker.extensions import db
from tracker.measures.duplicates import similar_measures

UNRELATED = [
    "Gewerbeflächenpool für Handwerksbetriebe", "Schnellere Baugenehmigungen", "Lkw-Parkplätze an Gewerbegebieten",
    "Gründungszentrum in der Neuen Mitte", "Wasserstoff-Modellregion Ruhr", "Innovationsgutscheine für KMU",
    "Hackathon zur Stadtwirtschaft", "Ausbildungsbörse an Gesamtschulen", "Weiterbildungsverbund Pflege",
    "Teilqualifizierung für Geflüchtete", "Glasfaser für alle Gewerbegebiete", "Digitales Gewerbeamt",
    "Lokaler Online-Marktplatz für Händler", "Open-Data-Portal der Stadt", "Smart-Parking-Pilot am Bahnhof",
    "Standortmarke entwickeln", "Imagekampagne für Fachkräfte", "Unternehmerfrühstück mit dem Oberbürgermeister",
    "Botschafter-Netzwerk aus Unternehmen", "Leerstandsmanagement in Sterkrade", "Tourismus und Wirtschaft verbinden",
    "Willkommensservice für neue Betriebe", "Flächenrecycling von Industriebrachen", "Baustellenkoordination",
    "Energieeffiziente Quartiere", "Transferstelle Wissenschaft und Wirtschaft", "Makerspace mit 3D-Druck",
    "Forschungscampus an der Hochschule", "Gründerstammtisch im Technologiezentrum", "Berufsorientierung ab Klasse 7",
    "Pflegeausbildung stärken", "Tarifbindung fördern", "Mentoring für Auszubildende", "Digitalberatung Handwerk",
    "IT-Sicherheitstag für den Mittelstand", "Radschnellweg zu den Gewerbegebieten", "Busanbindung Industriepark",
    "Sauberkeit am Marktplatz", "Förderlotse für Investitionen", "Messeauftritt der Region", "Klimaanpassung Gewerbe",
    "Regionale Lieferketten stärken", "Kreislaufwirtschaft im Bau", "Azubi-Wohnheim", "Seniorenwirtschaft ausbauen",
    "Kulturwirtschaft in alten Zechen", "Exportberatung für kleine Firmen", "Nachfolgebörse für Betriebe",
    "Sprachkurse im Betrieb", "Kooperation mit den Nachbarstädten",
]


@pytest.mark.parametrize("idea,twin", [
    ("WLAN in der Innenstadt", "Freies WLAN für die Innenstädte"),
    ("Kinderbetreuung zu Randzeiten", "Randzeitenbetreuung für Kinder von Beschäftigten"),
])
def test_the_twin_ranks_in_the_top_three(world, idea, twin):
    hubs = [world.hub_a, world.hub_b]
    for i, title in enumerate(UNRELATED):
        factories.measure(world.process, hubs[i % 2], title=title)
    target = factories.measure(world.process, world.hub_a, title=idea)
    factories.measure(world.process, world.hub_b, title=twin)  # another hub: suggestions cross hubs
    db.session.commit()
    ranked = [m.title for m, _score in similar_measures(target, limit=3, minimum=0)]
    assert twin in ranked, ranked


def test_all_pairs_at_once_score_as_each_pair_alone():
    """The consolidation page scores every pair with process.cdist and a stem index (issue 20: 1,850
    ideas in under two seconds); it must find the same pairs with the same scores as `similarity`."""
    import random

    from tracker.measures.duplicates import normalise, similar_pairs, similarity

    vocabulary = ["Randzeitenbetreuung", "Kita", "Ausbildung", "Azubi", "Ticket", "Gründerzentrum", "Kanal",
                  "Hafen", "Radweg", "Lastenrad", "Handwerk", "Fachkräfte", "Börse", "Innovation", "Breitband",
                  "Gewerbegebiet", "Flächen", "Wasserstoff", "Quartier", "Innenstadt", "Leerstand", "Einzelhandel",
                  "Tourismus", "Coworking", "Bahnhof", "Betreuung", "Netzwerk"]
    chance = random.Random(20)

    def idea() -> list[str]:
        title = " ".join(chance.sample(vocabulary, chance.randint(1, 4)))
        return normalise(f"{title} {title} {' '.join(chance.sample(vocabulary, chance.randint(0, 6)))}")

    words = [idea() for _ in range(80)] + [[], normalise("der die das")]
    expected = sorted(((i, j, round(similarity(words[i], words[j]), 1)) for i in range(len(words))
                       for j in range(i + 1, len(words)) if similarity(words[i], words[j]) >= 55),
                      key=lambda triple: -triple[2])
    found = similar_pairs(words, minimum=55, limit=10_000)
    assert [(i, j) for i, j, _s in found] == [(i, j) for i, j, _s in expected]
    assert all(abs(a[2] - b[2]) <= 0.05 for a, b in zip(found, expected, strict=True))
