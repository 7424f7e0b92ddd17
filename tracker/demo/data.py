"""The demo process "Masterplan Wirtschaft": the real structure, fictional companies and people."""

from __future__ import annotations

from datetime import date, datetime

PROCESS = {
    "name": "Masterplan Wirtschaft",
    "city": "Oberhausen",
    "starts_on": date(2018, 9, 1),
    "ends_on": date(2019, 12, 31),
    "contact_email": "masterplan@example.org",
    "purpose": (
        "Stadt, Wirtschaftsförderung und Partner schreiben gemeinsam mit den Unternehmen der Stadt einen "
        "**Masterplan Wirtschaft**: Leitziele und konkrete Maßnahmen, die den Standort in den nächsten "
        "Jahren voranbringen. Jedes Unternehmen arbeitet in einem von fünf Hubs mit, die sich über ein "
        "Jahr in Workshops treffen. Aus den Ideen der Workshops entsteht der Masterplan."
    ),
    "foreword": (
        "Der Masterplan Wirtschaft ist das Ergebnis eines Jahres gemeinsamer Arbeit von Unternehmen, "
        "Kammern, Verbänden, Gewerkschaften, Wissenschaft und Verwaltung."
    ),
}

# (name, type, sector)
PARTNERS = [
    ("Stadt Oberhausen", "administration", "Öffentliche Verwaltung"),
    ("Wirtschafts- und Tourismusförderung Oberhausen", "agency", "Wirtschaftsförderung"),
    ("Industrie- und Handelskammer", "chamber", "Kammer"),
    ("Unternehmerverband", "employers_association", "Verband"),
    ("Kreishandwerkerschaft", "crafts", "Handwerk"),
    ("DGB Region", "union", "Gewerkschaft"),
    ("Agentur für Arbeit Oberhausen", "agency", "Arbeitsmarkt"),
    ("Fraunhofer-Institut UMSICHT", "research", "Forschung"),
]

# (name, short name, colour, description, lead partners by index into PARTNERS)
HUBS = [
    ("Zukunftsprofil des Standorts", "Profil", "#1f5f99",
     "Wofür steht der Wirtschaftsstandort in zehn Jahren? Image, Standortmarketing und die Stärken, "
     "mit denen die Stadt um Unternehmen und Fachkräfte wirbt.", [0, 1]),
    ("Zukunftsfähige Standortbedingungen", "Standort", "#2e7d32",
     "Flächen, Verkehr, Genehmigungen und Infrastruktur: was Unternehmen brauchen, um hier zu bleiben "
     "und zu wachsen.", [2, 3]),
    ("Wissenschaft, Innovation und Gründung", "Innovation", "#8e24aa",
     "Transfer zwischen Forschung und Betrieben, Gründungen und ein lebendiges Innovationsökosystem.", [7, 1]),
    ("Arbeit, (Schul-)Bildung und Qualifizierung", "Arbeit", "#c62828",
     "Fachkräfte sichern: Berufsorientierung, Ausbildung, Weiterbildung und gute Arbeit.", [6, 5]),
    ("Smart City – Wirtschaftsfaktor Digitalisierung", "Digital", "#ef6c00",
     "Digitale Infrastruktur, digitale Verwaltung und die Digitalisierung von Handel, Handwerk und Industrie.",
     [4, 0]),
]

# Fictional companies: (name, sector, size class); twelve per hub, in hub order.
COMPANIES = [
    # Profil
    ("Rheinblick Medienhaus GmbH", "Medien", "small"), ("Gasometer Event & Messe GmbH", "Veranstaltungen", "small"),
    ("Emscher Hotelbetriebe KG", "Gastgewerbe", "medium"), ("Sterkrader Werbeagentur Klein", "Werbung", "micro"),
    ("Ruhrpott Reisen GmbH", "Tourismus", "small"), ("Neue Mitte Einzelhandel eG", "Handel", "medium"),
    ("Osterfelder Brauerei Schmitz", "Lebensmittel", "small"), ("Kulturfabrik Alstaden gGmbH", "Kultur", "micro"),
    ("Stadtbild Architekten PartG", "Architektur", "micro"), ("Lichtwerk Design GmbH", "Design", "micro"),
    ("Zeche Concordia Immobilien GmbH", "Immobilien", "small"), ("Marktplatz Alt-Oberhausen e.K.", "Handel", "micro"),
    # Standort
    ("Hafen Logistik Emscher GmbH", "Logistik", "large"), ("Buschhausen Spedition GmbH", "Logistik", "medium"),
    ("Kanalbau Lirich GmbH & Co. KG", "Bau", "medium"), ("Weststahl Anlagenbau GmbH", "Maschinenbau", "large"),
    ("Grünflächen Holten GmbH", "Garten- und Landschaftsbau", "small"),
    ("Energiepark Niederrhein GmbH", "Energie", "medium"),
    ("Klimatechnik Dümpten GmbH", "Haustechnik", "small"), ("Borbecker Metallbau OHG", "Metallbau", "small"),
    ("Industriepark Weierheide GmbH", "Immobilien", "small"), ("Tackenberg Fahrzeugbau GmbH", "Fahrzeugbau", "medium"),
    ("Schmachtendorfer Bauunternehmung GmbH", "Bau", "medium"), ("Ruhr Recycling Service GmbH", "Entsorgung", "medium"),
    # Innovation
    ("Katalyx Chemie GmbH", "Chemie", "medium"), ("Sensorik Rhein-Ruhr GmbH", "Elektronik", "small"),
    ("Wasserstoffwerk West GmbH", "Energie", "small"), ("Innolab Oberhausen UG", "Software", "micro"),
    ("Bioprozess Emscher GmbH", "Biotechnologie", "small"), ("Werkstoffprüfung Ruhr GmbH", "Labor", "small"),
    ("Gründerhaus Marktstraße eG", "Gründungsförderung", "micro"), ("Robotik Sterkrade GmbH", "Automatisierung", "small"),
    ("Polymertechnik Holten GmbH", "Kunststoff", "medium"), ("Datenwerk Analytics GmbH", "Software", "small"),
    ("Solarfassade Ruhr GmbH", "Energie", "small"), ("MedTech Neue Mitte GmbH", "Medizintechnik", "small"),
    # Arbeit
    ("Pflegedienst Sonnenschein GmbH", "Pflege", "medium"), ("Bildungswerk Ruhrgebiet e.V.", "Bildung", "medium"),
    ("Elektro Bermensfeld GmbH", "Elektrohandwerk", "small"), ("Klinikum Nord Service GmbH", "Gesundheit", "large"),
    ("Sanitär Meyer & Söhne", "Sanitärhandwerk", "micro"), ("Personaldienste Emscher GmbH", "Personaldienstleistung", "medium"),
    ("Bäckerei Hülsmann GmbH", "Lebensmittelhandwerk", "small"), ("Kita-Verbund Oberhausen gGmbH", "Soziales", "medium"),
    ("Autohaus Königshardt GmbH", "Kfz-Handel", "small"), ("Malerbetrieb Vondern", "Malerhandwerk", "micro"),
    ("Qualifizierungszentrum West gGmbH", "Bildung", "small"), ("Seniorenresidenz am Kaisergarten GmbH", "Pflege", "medium"),
    # Digital
    ("Glasfaser Ruhr Netz GmbH", "Telekommunikation", "medium"), ("Softwarehaus Osterfeld GmbH", "Software", "small"),
    ("CityApp Solutions UG", "Software", "micro"), ("IT-Service Schwarze Heide GmbH", "IT-Dienstleistung", "small"),
    ("Onlinehandel Ruhrgold GmbH", "E-Commerce", "small"), ("Smart Building Systems GmbH", "Gebäudetechnik", "small"),
    ("Druckerei Digital Lirich GmbH", "Druck", "small"), ("Cloudwerk Rechenzentrum GmbH", "IT-Infrastruktur", "medium"),
    ("Mobilität 4.0 GmbH", "Mobilität", "micro"), ("Handwerk Digital Beratung", "Beratung", "micro"),
    ("Sicherheitstechnik Alsfeld GmbH", "IT-Sicherheit", "small"), ("Funkwerk Sterkrade GmbH", "Telekommunikation", "small"),
]

FIRST_NAMES = ["Anna", "Jonas", "Lena", "Tobias", "Sabine", "Markus", "Julia", "Stefan", "Katrin", "Michael",
               "Nina", "Thomas", "Sandra", "Andreas", "Claudia", "Daniel", "Petra", "Frank", "Miriam", "Ali",
               "Elif", "Kerstin", "Uwe", "Birgit", "Mehmet", "Sophie", "Dirk", "Heike", "Jan", "Monika"]
LAST_NAMES = ["Becker", "Schulte", "Wagner", "Hoffmann", "Kowalski", "Yilmaz", "Brinkmann", "Krämer", "Lange",
              "Peters", "Neumann", "Schmitz", "Jansen", "Hermes", "Kaiser", "Vogel", "Wolters", "Lehmann",
              "Demir", "Engels", "Kuhn", "Otto", "Winkler", "Busch", "Bauer", "Albers", "Dreyer", "Rüther"]

KICKOFF = {
    "title": "Auftaktveranstaltung Masterplan Wirtschaft",
    "starts_at": datetime(2018, 9, 26, 16, 0),
    "ends_at": datetime(2018, 9, 26, 18, 0),
    "location": "Fraunhofer UMSICHT, Gebäude D, Osterfelder Str. 3, 46047 Oberhausen",
    "agenda": (
        "1. Begrüßung durch den Oberbürgermeister\n"
        "2. Warum ein Masterplan Wirtschaft?\n"
        "3. Vorstellung der fünf Hubs\n"
        "4. Wahl der Hubs durch die Unternehmen\n"
        "5. Ausklang und Gespräche"
    ),
}

# Three workshops per hub: (month, day) pairs between October 2018 and March 2019.
WORKSHOP_DATES = [
    [(2018, 10, 17), (2018, 12, 5), (2019, 2, 20)],
    [(2018, 10, 24), (2018, 12, 12), (2019, 2, 27)],
    [(2018, 11, 7), (2019, 1, 16), (2019, 3, 13)],
    [(2018, 11, 14), (2019, 1, 23), (2019, 3, 20)],
    [(2018, 11, 21), (2019, 1, 30), (2019, 3, 27)],
]
WORKSHOP_TOPICS = ["Bestandsaufnahme und Themensammlung", "Ideen vertiefen", "Vorschläge schärfen"]

GOALS = [
    ("Oberhausen hat ein klares Profil", "Der Standort zeigt, wofür er steht.",
     "Unser Ziel ist ein Wirtschaftsstandort, den Unternehmen und Fachkräfte kennen und wählen."),
    ("Oberhausen bietet gute Standortbedingungen", "Flächen, Verkehr und Verwaltung im Dienst der Betriebe.",
     "Unser Ziel sind verlässliche und schnelle Bedingungen für Ansiedlung und Wachstum."),
    ("Oberhausen ist innovativ", "Forschung und Betriebe arbeiten eng zusammen.",
     "Unser Ziel ist ein Innovationsökosystem mit mehr Gründungen und mehr Transfer."),
    ("Oberhausen sichert Fachkräfte", "Ausbildung und Qualifizierung für die Arbeit von morgen.",
     "Unser Ziel ist, dass kein Betrieb an fehlenden Fachkräften scheitert."),
    ("Oberhausen ist digital", "Digitale Infrastruktur als Wirtschaftsfaktor.",
     "Unser Ziel ist eine Stadt, in der Unternehmen digital arbeiten und mit der Verwaltung digital sprechen."),
    ("Oberhausen handelt nachhaltig", "Klimaschutz als Standortvorteil.",
     "Unser Ziel ist Wachstum, das Ressourcen schont."),
    ("Oberhausen arbeitet zusammen", "Netzwerke zwischen Unternehmen, Kammern und Verwaltung.",
     "Unser Ziel ist ein dauerhafter Dialog über den Masterplan hinaus."),
]

# Ideas per hub: (title, description, fate) — fate is the status the demo leaves the idea in;
# "merged:N" merges it into the idea with index N of the same hub.
IDEAS = [
    [
        ("Standortmarke entwickeln", "Eine gemeinsame Marke für den Wirtschaftsstandort.", "adopted"),
        ("Imagekampagne für Fachkräfte", "Kampagne, die Fachkräfte aus der Region anspricht.", "proposal"),
        ("Unternehmerfrühstück", "Regelmäßiges Treffen der Unternehmen mit der Stadtspitze.", "in_review"),
        ("Gemeinsames Standortportal", "Ein Portal für alle Informationen zum Standort.", "merged:0"),
        ("Botschafter-Netzwerk", "Unternehmerinnen und Unternehmer als Botschafter des Standorts.", "idea"),
        ("Leerstandsmanagement Innenstadt", "Leerstände aktiv vermarkten und zwischennutzen.", "rejected"),
        ("Tourismus und Wirtschaft verbinden", "Geschäftsreisende als Touristen gewinnen.", "idea"),
        ("Willkommensservice für neue Betriebe", "Lotsen für neu angesiedelte Unternehmen.", "withdrawn"),
    ],
    [
        ("Gewerbeflächenpool", "Flächen vorausschauend entwickeln und vorhalten.", "adopted"),
        ("Schnellere Baugenehmigungen", "Digitale und verbindliche Genehmigungsverfahren.", "adopted"),
        ("Lkw-Parken an Gewerbegebieten", "Stellflächen für Lkw an den großen Gewerbegebieten.", "proposal"),
        ("Flächenrecycling von Brachen", "Industriebrachen für Gewerbe wiedernutzen.", "merged:0"),
        ("ÖPNV-Anbindung der Gewerbegebiete", "Bessere Busanbindung für Beschäftigte.", "in_review"),
        ("Gewerbesteuer senken", "Hebesatz schrittweise senken.", "rejected"),
        ("Energieeffiziente Gewerbegebiete", "Quartierskonzepte für Energie in Gewerbegebieten.", "idea"),
        ("Baustellenkoordination", "Baustellen abstimmen, damit Betriebe erreichbar bleiben.", "idea"),
    ],
    [
        ("Transferstelle Wissenschaft–Wirtschaft", "Eine Anlaufstelle für Kooperationen mit Instituten.", "adopted"),
        ("Gründungszentrum in der Innenstadt", "Räume und Beratung für Gründungen.", "proposal"),
        ("Wasserstoff-Modellregion", "Pilotprojekte zur Wasserstoffnutzung in Betrieben.", "adopted"),
        ("Innovationsgutscheine für KMU", "Kleine Budgets für erste Forschungsaufträge.", "in_review"),
        ("Makerspace für alle", "Offene Werkstatt mit 3D-Druck und Laser.", "merged:1"),
        ("Hackathon Stadtwirtschaft", "Jährlicher Hackathon zu Problemen der Betriebe.", "idea"),
        ("Forschungscampus Neue Mitte", "Hochschulstandort in der Neuen Mitte.", "proposal"),
        ("Gründerstammtisch", "Monatliches Treffen für Gründerinnen und Gründer.", "idea"),
    ],
    [
        ("Ausbildungsbörse an Schulen", "Betriebe stellen sich in den Schulen vor.", "adopted"),
        ("Kinderbetreuung zu Randzeiten", "Betreuung für Kinder von Beschäftigten im Schichtdienst.", "proposal"),
        ("Weiterbildungsverbund", "Gemeinsame Weiterbildung mehrerer KMU.", "in_review"),
        ("Berufsorientierung ab Klasse 7", "Praktika und Betriebsbesuche früh beginnen.", "merged:0"),
        ("Teilqualifizierung für Geflüchtete", "Modulare Qualifizierung mit Sprachkurs.", "idea"),
        ("Pflegeausbildung stärken", "Ausbildungsplätze in der Pflege ausbauen.", "idea"),
        ("Tarifbindung fördern", "Gute Arbeit als Standortfaktor.", "rejected"),
        ("Mentoring für Auszubildende", "Ehrenamtliche Mentoren begleiten Azubis.", "idea"),
    ],
    [
        ("Glasfaser für alle Gewerbegebiete", "Flächendeckender Glasfaseranschluss.", "adopted"),
        ("Freies WLAN in der Innenstadt", "Öffentliches WLAN für Handel und Gäste.", "proposal"),
        ("Digitales Gewerbeamt", "Alle Gewerbeangelegenheiten online.", "merged:0"),
        ("Digitalberatung für das Handwerk", "Kostenlose Erstberatung zur Digitalisierung.", "in_review"),
        ("Lokaler Online-Marktplatz", "Händler der Stadt gemeinsam online.", "idea"),
        ("Open-Data-Portal", "Daten der Stadt offen für Unternehmen.", "idea"),
        ("IT-Sicherheitstag für KMU", "Jährlicher Aktionstag zur IT-Sicherheit.", "withdrawn"),
        ("Smart-Parking-Pilot", "Sensoren zeigen freie Parkplätze an.", "idea"),
    ],
]

# The phases of the demo process with their dates; the data (workshops until March 2019, the prioritisation
# workshop in May, measures adopted in June) puts it in its adoption phase.
PHASE = "adoption"
PHASES = [
    ("preparation", date(2018, 9, 1), date(2018, 9, 25)),
    ("kickoff", date(2018, 9, 26), date(2018, 9, 30)),
    ("workshops", date(2018, 10, 1), date(2019, 3, 31)),
    ("consolidation", date(2019, 4, 1), date(2019, 5, 15)),
    ("prioritisation", date(2019, 5, 16), date(2019, 5, 31)),
    ("adoption", date(2019, 6, 1), date(2019, 12, 31)),
]

# Demo logins: one per role, three of the steering group. Demo only — change or delete them on a real installation.
DEMO_USERS = [
    ("admin@example.org", "Alex Admin", "admin", "Demo-Admin-2018", None),
    ("lenkung@example.org", "Lea Lenkung", "steering", "Demo-Lenkung-2018", 1),
    # A second member: four eyes approve a plan version (the submitter never does; the admin counts too).
    ("lenkung2@example.org", "Lars Lenkung", "steering", "Demo-Lenkung2-2018", 2),
    # A third: one submits a plan version, the two others approve it (Process.approvals_needed, default 2).
    ("lenkung3@example.org", "Lina Lenkung", "steering", "Demo-Lenkung3-2018", 3),
    ("moderation@example.org", "Moritz Moderation", "moderator", "Demo-Moderation-2018", 0),
    ("unternehmen@example.org", "Ursula Unternehmer", "company", "Demo-Unternehmen-2018", "company:0"),
]


# Registrations waiting for the administrator: (name, email, function, organisation as typed, type, sector,
# index of the hub, consents to be named). The first names a demo company in another spelling (the
# administrator gets it suggested), the second an organisation the directory does not know.
REGISTRATIONS = [
    ("Jana Wegner", "anmeldung.wegner@example.org", "Marketing", "rheinblick medienhaus", "company", "Medien", 0,
     True),
    ("Tobias Lindner", "anmeldung.lindner@example.org", "Inhaber", "Lindner Solartechnik e.K.", "crafts", "Energie",
     1, False),
]
