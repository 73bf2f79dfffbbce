"""French demo content: partner organisations and three campaigns, one per setting (fictional)."""

ASSO = "Association Bouger Ensemble Occitanie"
MUTUELLE = "Mutuelle Solidaire du Languedoc"
CPTS = "CPTS Cœur d'Hérault"
PATIENTS = "Collectif des usagers de santé de l'Hérault"
COLLEGE = "Collège Les Garrigues"
UNIVERSITE = "Université Montpellier-Lez"
ENTREPRISE = "Lez Numérique SAS"
LABO = "Laboratoire Santé Publique & Territoires"

ORGANISATIONS = (
    (ASSO, "association", "Montpellier", "Occitanie"),
    (MUTUELLE, "insurer", "Montpellier", "Occitanie"),
    (CPTS, "health_professionals", "Clermont-l'Hérault", "Occitanie"),
    (PATIENTS, "patient_association", "Montpellier", "Occitanie"),
    (COLLEGE, "school", "Lodève", "Occitanie"),
    (UNIVERSITE, "university", "Montpellier", "Occitanie"),
    (ENTREPRISE, "company", "Castelnau-le-Lez", "Occitanie"),
    (LABO, "research_team", "Montpellier", "Occitanie"),
    ("Association Littoral Santé", "association", "Sète", "Occitanie"),
)

COMMON_PARTNERS = [(MUTUELLE, "funder"), (PATIENTS, "codesigner"), (LABO, "evaluator")]

CAMPAIGNS = (
    {
        "slug": "bouge-ta-recre",
        "title": "Bouge ta récré",
        "summary": (
            "Des récréations plus actives au collège : jeux au sol, prêt de matériel, élèves "
            "ambassadeurs. Objectif : 20 minutes d'activité physique en plus par jour."
        ),
        "setting": "school",
        "themes": ["activite-physique", "ecrans"],
        "department": "34",
        "target_population": 620,
        "start": "2025-11-03",
        "weeks": 20,
        "status": "running",
        "code_prefix": "BTR",
        "participants": 120,
        "age_bands": ["11-14"],
        "partners": [*COMMON_PARTNERS, (CPTS, "codesigner"), (COLLEGE, "host")],
        "sites": [
            ("Collège Les Garrigues", "Lodève", "34700", "uai", "0340012A", 410),
            ("Collège du Salagou", "Clermont-l'Hérault", "34800", "uai", "0340045L", 520),
        ],
        "sessions": [
            {
                "date": "2025-09-16",
                "format": "workshop",
                "place": "CDI du collège Les Garrigues",
                "agenda": "Ce que les élèves font à la récré ; ce qui les empêche de bouger.",
                "minutes": "Douze élèves délégués, deux enseignants d'EPS, l'infirmière scolaire.",
                "attendance": [(ASSO, 3, 0), (COLLEGE, 5, 0), (PATIENTS, 2, 2)],
                "contributions": [
                    (
                        "need",
                        None,
                        "La cour est prise par le foot, les autres n'ont pas de place.",
                        14,
                    ),
                    ("idea", COLLEGE, "Tracer des jeux au sol (marelles, parcours).", 11),
                    (
                        "idea",
                        None,
                        "Prêter des cordes à sauter et des ballons en libre-service.",
                        9,
                    ),
                    (
                        "objection",
                        CPTS,
                        "Attention aux élèves en surpoids : pas de compétition.",
                        6,
                    ),
                ],
            },
            {
                "date": "2025-10-07",
                "format": "focus_group",
                "place": "Salle polyvalente, Lodève",
                "agenda": "Choisir les actions et leur calendrier.",
                "minutes": "Accord sur trois actions ; les parents d'élèves valident le projet.",
                "attendance": [(ASSO, 2, 0), (COLLEGE, 4, 0), (PATIENTS, 3, 3), (CPTS, 1, 0)],
                "contributions": [
                    (
                        "need",
                        PATIENTS,
                        "Associer les parents aux choix, pas seulement les informer.",
                        8,
                    ),
                ],
                "decisions": [
                    (
                        "Zoner la cour et tracer des jeux au sol",
                        "Demande majoritaire des élèves ; coût faible.",
                        [
                            "La cour est prise par le foot, les autres n'ont pas de place.",
                            "Tracer des jeux au sol (marelles, parcours).",
                        ],
                    ),
                    (
                        "Former des élèves ambassadeurs et prêter du matériel",
                        "Activités non compétitives, encadrées par les pairs.",
                        [
                            "Prêter des cordes à sauter et des ballons en libre-service.",
                            "Attention aux élèves en surpoids : pas de compétition.",
                        ],
                    ),
                ],
            },
        ],
        "validation": (PATIENTS, "Le projet répond aux attentes des familles consultées."),
        "actions": [
            ("Traçage des jeux au sol", "environment", ASSO, 0),
            ("Formation des élèves ambassadeurs", "peer_education", ASSO, 1),
            ("Récrés actives encadrées", "workshop", COLLEGE, 1),
        ],
    },
    {
        "slug": "sommeil-serein",
        "title": "Sommeil serein à la fac",
        "summary": (
            "Mieux dormir pour moins stresser pendant les partiels : ateliers sommeil, "
            "relaxation guidée et un défi « écrans éteints » entre étudiants."
        ),
        "setting": "university",
        "themes": ["sommeil", "sante-mentale", "ecrans"],
        "department": "34",
        "target_population": 2400,
        "start": "2026-01-12",
        "weeks": 12,
        "status": "running",
        "code_prefix": "SOM",
        "groups_within_sites": True,
        "participants": 160,
        "age_bands": ["18-24", "18-24", "18-24", "25-34"],
        "partners": [*COMMON_PARTNERS, (CPTS, "codesigner"), (UNIVERSITE, "host")],
        "sites": [
            ("Campus Triolet", "Montpellier", "34090", "uai", "0341087X", 1400),
            ("Campus Richter", "Montpellier", "34000", "uai", "0341088Y", 1000),
        ],
        "sessions": [
            {
                "date": "2025-11-18",
                "format": "online",
                "place": "Visioconférence",
                "agenda": "Ce qui abîme le sommeil des étudiants.",
                "minutes": "Questionnaire flash auprès de 45 étudiants, restitution en séance.",
                "attendance": [(ASSO, 2, 0), (UNIVERSITE, 3, 0), (PATIENTS, 2, 2)],
                "contributions": [
                    ("need", None, "Réviser tard sur écran empêche de s'endormir.", 17),
                    (
                        "idea",
                        UNIVERSITE,
                        "Proposer des ateliers de relaxation avant les partiels.",
                        12,
                    ),
                    ("idea", CPTS, "Consultation infirmière « sommeil » au service de santé.", 7),
                ],
            },
            {
                "date": "2025-12-09",
                "format": "workshop",
                "place": "Maison des étudiants, campus Triolet",
                "agenda": "Choisir les actions.",
                "minutes": "Deux actions retenues, dont un défi entre résidences.",
                "attendance": [(ASSO, 2, 0), (UNIVERSITE, 2, 0), (PATIENTS, 2, 2), (CPTS, 1, 0)],
                "contributions": [],
                "decisions": [
                    (
                        "Ateliers sommeil et relaxation en janvier",
                        "Avant la session d'examens.",
                        [
                            "Proposer des ateliers de relaxation avant les partiels.",
                            "Consultation infirmière « sommeil » au service de santé.",
                        ],
                    ),
                    (
                        "Défi « écrans éteints à 23 h » entre résidences",
                        "Idée des étudiants, ludique.",
                        ["Réviser tard sur écran empêche de s'endormir."],
                    ),
                ],
            },
        ],
        "validation": (PATIENTS, "Avis favorable, sous réserve d'un accès anonyme aux ateliers."),
        "actions": [
            ("Atelier « Bien dormir en période d'examens »", "workshop", CPTS, 0),
            ("Séances de relaxation guidée", "workshop", ASSO, 0),
            ("Défi écrans éteints", "digital", UNIVERSITE, 1),
        ],
    },
    {
        "slug": "bouger-au-bureau",
        "title": "Bouger au bureau",
        "summary": (
            "Moins de temps assis au travail : réunions debout, pauses actives et bureaux "
            "réglables, co-construits avec les salariés et la médecine du travail."
        ),
        "setting": "workplace",
        "themes": ["activite-physique", "troubles-musculo-squelettiques"],
        "department": "34",
        "target_population": 300,
        "start": "2026-03-02",
        "weeks": 16,
        "status": "validated",
        "code_prefix": "BAB",
        "participants": 80,
        "age_bands": ["25-34", "35-44", "45-54", "55+"],
        "partners": [*COMMON_PARTNERS, (ENTREPRISE, "host")],
        "sites": [
            ("Lez Numérique — siège", "Castelnau-le-Lez", "34170", "siret", "81234567800017", 180),
            ("Lez Numérique — agence de Sète", "Sète", "34200", "siret", "81234567800025", 120),
        ],
        "sessions": [
            {
                "date": "2026-01-20",
                "format": "workshop",
                "place": "Salle de réunion du siège",
                "agenda": "Postures, temps assis, contraintes des équipes.",
                "minutes": "Participation du CSE et de la médecine du travail.",
                "attendance": [(ASSO, 2, 0), (ENTREPRISE, 6, 0), (PATIENTS, 1, 1)],
                "contributions": [
                    ("need", ENTREPRISE, "Les journées en visioconférence clouent au siège.", 10),
                    ("idea", None, "Des réunions debout de moins de 20 minutes.", 8),
                    ("objection", PATIENTS, "Penser aux salariés en situation de handicap.", 5),
                ],
                "decisions": [
                    (
                        "Réunions debout et pauses actives toutes les deux heures",
                        "Simple à tester, adaptable aux postes.",
                        [
                            "Les journées en visioconférence clouent au siège.",
                            "Des réunions debout de moins de 20 minutes.",
                            "Penser aux salariés en situation de handicap.",
                        ],
                    ),
                ],
            },
        ],
        "validation": (
            PATIENTS,
            "Validé : les adaptations pour les salariés handicapés figurent au plan.",
        ),
        "actions": [
            ("Pauses actives guidées", "workshop", ASSO, 0),
            ("Réunions debout : kit et affichage", "environment", ENTREPRISE, 0),
        ],
    },
)
