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
