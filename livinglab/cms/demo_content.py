"""Original French demo texts: the three settings, prevention topics, kits and testimonies."""

SETTING_PAGES = [
    {
        "slug": "ecole",
        "setting": "school",
        "title": "École",
        "title_en": "School",
        "introduction": (
            "<p>Pour les équipes des écoles, collèges et lycées : des séances courtes, adaptées "
            "à l'âge des élèves, qui s'intègrent dans l'emploi du temps et associent les "
            "familles. Chaque fiche indique la durée, le matériel et la façon de l'animer en "
            "classe ou pendant la vie scolaire.</p>"
        ),
    },
    {
        "slug": "universite",
        "setting": "university",
        "title": "Université",
        "title_en": "University",
        "introduction": (
            "<p>Pour les services de santé étudiante, les associations et les enseignants : "
            "des actions pensées avec les étudiants eux-mêmes, de la rentrée aux examens, "
            "et des relais vers les professionnels quand c'est nécessaire.</p>"
        ),
    },
    {
        "slug": "entreprise",
        "setting": "workplace",
        "title": "Entreprise",
        "title_en": "Workplace",
        "introduction": (
            "<p>Pour les services RH, la santé au travail, les CSE et les managers : des "
            "actions réalistes sur le temps de travail, compatibles avec les contraintes "
            "des équipes, en lien avec le document unique d'évaluation des risques.</p>"
        ),
    },
]

TOPICS = [
    {
        "slug": "recreations-actives",
        "parent": "ecole",
        "title": "Des récréations actives pour bouger chaque jour",
        "summary": (
            "Transformer la cour en terrain de jeux variés pour que chaque élève, "
            "y compris les moins sportifs, bouge davantage pendant les récréations."
        ),
        "themes": ["activite-physique"],
        "settings": ["school"],
        "ages": ["6-10"],
        "audience": "Équipes enseignantes et animateurs périscolaires d'école élémentaire",
        "format": "programme",
        "duration": 120,
        "material": "Craies de sol, cerceaux, cordes à sauter, plots, un bac de rangement",
        "steps": [
            "Observer la cour pendant deux récréations : qui joue, où, à quoi ?",
            "Tracer avec les élèves trois ou quatre zones de jeux (marelle, parcours, "
            "jeux de ballon, coin calme).",
            "Confier la gestion du bac de matériel à des élèves volontaires, par roulement.",
            "Faire un bilan avec la classe au bout d'un mois et ajuster les zones.",
        ],
        "intro": (
            "Les enfants de 5 à 17 ans devraient pratiquer en moyenne une heure d'activité "
            "physique modérée à soutenue par jour. Les récréations représentent près d'une "
            "heure quotidienne : c'est un levier simple, gratuit et déjà dans l'emploi du temps."
        ),
        "figure": (
            "60 min",
            "d'activité physique par jour recommandées entre 5 et 17 ans",
            "OMS, lignes directrices sur l'activité physique et la sédentarité, 2020",
        ),
        "quote": (
            "Depuis qu'on a tracé le parcours, les filles de CM1 ne restent plus contre le "
            "mur : elles chronomètrent les garçons.",
            "Nadia",
            "professeure des écoles",
        ),
        "faq": [
            (
                "Faut-il acheter du matériel ?",
                "Non : des craies et le matériel d'EPS existant suffisent pour commencer.",
            ),
            (
                "Et les élèves qui préfèrent se reposer ?",
                "Gardez un coin calme : l'objectif est de proposer, pas d'obliger.",
            ),
        ],
        "sources": [
            "OMS, lignes directrices sur l'activité physique et la sédentarité, 2020.",
            "Santé publique France, repères du Programme national nutrition santé (PNNS).",
        ],
        "evidence": "promising",
        "colour": "#0b6e4f",
    },
    {
        "slug": "gouter-equilibre",
        "parent": "ecole",
        "title": "Le goûter et le petit-déjeuner sans culpabiliser",
        "summary": (
            "Un atelier sensoriel pour découvrir des goûters simples et rassasiants, "
            "sans interdits ni jugement sur ce que mangent les familles."
        ),
        "themes": ["nutrition"],
        "settings": ["school"],
        "ages": ["3-5", "6-10"],
        "audience": "Enseignants de maternelle et d'élémentaire, infirmières scolaires",
        "format": "workshop",
        "duration": 45,
        "material": "Fruits de saison, pain, fromage blanc, gobelets, fiches images d'aliments",
        "steps": [
            "Faire goûter trois aliments les yeux fermés et décrire les sensations.",
            "Composer ensemble un goûter avec une image par famille d'aliments.",
            "Remettre aux familles une fiche d'idées de goûters à moins d'un euro.",
        ],
        "intro": (
            "Culpabiliser les enfants sur ce qu'ils mangent est contre-productif. Cet atelier "
            "part du plaisir et de la curiosité, et valorise les habitudes des familles."
        ),
        "figure": (
            "1 sur 6",
            "enfants de 6 à 17 ans en surpoids ou obèses en France (ordre de grandeur)",
            "Étude Esteban, Santé publique France",
        ),
        "quote": (
            "Le fromage blanc au miel a eu plus de succès que les biscuits. "
            "Les parents nous ont demandé la recette.",
            "Julien",
            "animateur périscolaire",
        ),
        "faq": [
            (
                "Peut-on faire l'atelier en cas d'allergies ?",
                "Oui, en consultant les projets d'accueil individualisés avant de choisir "
                "les aliments.",
            ),
        ],
        "sources": ["Programme national nutrition santé, repères pour les enfants."],
        "evidence": "validated",
        "colour": "#2f7d32",
    },
    {
        "slug": "ecrans-et-sommeil-college",
        "parent": "ecole",
        "title": "Écrans du soir et sommeil au collège",
        "summary": (
            "Un défi d'une semaine, construit avec les élèves délégués, pour couper les "
            "écrans une heure avant de dormir et observer l'effet sur la forme du matin."
        ),
        "themes": ["ecrans", "sommeil"],
        "settings": ["school"],
        "ages": ["11-14"],
        "audience": "Professeurs principaux, CPE et infirmières de collège",
        "format": "programme",
        "duration": 150,
        "material": "Carnet de bord du sommeil (dans le kit), affiche du défi",
        "steps": [
            "Séance 1 (55 min) : ce que fait la lumière des écrans à l'horloge interne.",
            "Pendant une semaine : chaque élève note son heure de coucher et sa forme.",
            "Séance 2 (55 min) : mise en commun anonyme, chacun choisit une règle à garder.",
            "Lettre aux familles pour installer une zone sans écran dans la chambre.",
        ],
        "intro": (
            "Entre 11 et 14 ans, le besoin de sommeil reste de 9 à 11 heures, alors que "
            "l'heure du coucher recule. Les écrans dans la chambre en sont une cause majeure."
        ),
        "figure": (
            "9 à 11 h",
            "de sommeil par nuit recommandées de 6 à 13 ans",
            "National Sleep Foundation, recommandations de durée de sommeil",
        ),
        "quote": (
            "Je pensais que le téléphone m'aidait à m'endormir. En fait je m'endors plus vite "
            "quand il charge dans la cuisine.",
            "Inès",
            "élève de 4e",
        ),
        "faq": [
            (
                "Et si un élève n'a pas de chambre à lui ?",
                "Le défi porte sur l'heure d'arrêt des écrans, pas sur la pièce.",
            ),
        ],
        "sources": ["Réseau Morphée, fiches sommeil de l'adolescent."],
        "evidence": "promising",
        "colour": "#1d4e89",
        "kit": {
            "slug": "kit-defi-sommeil",
            "title": "Kit « Une semaine sans écran le soir »",
            "summary": "Le carnet de bord de l'élève et la lettre aux familles.",
            "contents": [
                "Carnet de bord du sommeil sur sept jours",
                "Lettre type aux familles",
                "Déroulé des deux séances",
            ],
        },
    },
    {
        "slug": "vaccination-hpv-5e",
        "parent": "ecole",
        "title": "Vaccination contre les papillomavirus : informer les familles de 5e",
        "summary": (
            "Une réunion d'information et des réponses claires aux questions des parents "
            "avant la campagne de vaccination au collège."
        ),
        "themes": ["vaccination"],
        "settings": ["school"],
        "ages": ["11-14"],
        "audience": "Chefs d'établissement, infirmières scolaires, professeurs de SVT",
        "format": "talk",
        "duration": 60,
        "material": "Diaporama, formulaires d'autorisation, foire aux questions imprimée",
        "steps": [
            "Inviter les familles à une réunion courte, en présentiel ou en visio.",
            "Présenter les infections évitées, chez les filles comme chez les garçons.",
            "Laisser une large place aux questions avec un professionnel de santé.",
        ],
        "intro": (
            "La vaccination contre les papillomavirus humains est recommandée en France pour "
            "les filles et les garçons de 11 à 14 ans. Elle protège contre plusieurs cancers."
        ),
        "figure": (
            "11–14 ans",
            "âge recommandé pour la vaccination, filles et garçons",
            "Calendrier des vaccinations, ministère chargé de la santé",
        ),
        "quote": (
            "Les parents venaient avec des vidéos vues sur les réseaux. Le médecin a pris le "
            "temps de répondre à chacune sans jamais se moquer.",
            "Claire",
            "infirmière scolaire",
        ),
        "faq": [
            (
                "La vaccination est-elle obligatoire ?",
                "Non, elle est recommandée et nécessite l'autorisation des deux parents.",
            ),
        ],
        "sources": ["Calendrier des vaccinations et recommandations vaccinales en vigueur."],
        "evidence": "validated",
        "colour": "#6a1b9a",
    },
    {
        "slug": "sante-mentale-lycee",
        "parent": "ecole",
        "title": "Parler de santé mentale au lycée avec les élèves ambassadeurs",
        "summary": (
            "Former des élèves volontaires à écouter, repérer les signes de mal-être et "
            "orienter leurs camarades vers les adultes ressources."
        ),
        "themes": ["sante-mentale"],
        "settings": ["school"],
        "ages": ["15-17"],
        "audience": "CPE, psychologues de l'Éducation nationale, infirmières de lycée",
        "format": "programme",
        "duration": 360,
        "material": "Salle au calme, cartes de mises en situation, annuaire des ressources",
        "steps": [
            "Recruter des ambassadeurs dans chaque niveau, sur la base du volontariat.",
            "Trois demi-journées de formation : écoute, signes d'alerte, limites du rôle.",
            "Afficher les noms des ambassadeurs et des adultes ressources.",
            "Réunir les ambassadeurs chaque mois avec un adulte pour partager les difficultés.",
        ],
        "intro": (
            "Les adolescents se confient d'abord à leurs pairs. Des élèves formés savent "
            "écouter sans juger et surtout passer le relais à un adulte."
        ),
        "figure": (
            "3114",
            "numéro national de prévention du suicide, gratuit, 24 h/24",
            "Ministère chargé de la santé",
        ),
        "quote": (
            "On n'est pas des psys. Mais on sait maintenant vers qui emmener quelqu'un "
            "qui ne va pas bien.",
            "Yanis",
            "élève ambassadeur en terminale",
        ),
        "faq": [
            (
                "Que faire si un élève parle d'idées suicidaires ?",
                "L'ambassadeur prévient immédiatement un adulte ressource ; il ne garde "
                "jamais ce secret seul.",
            ),
        ],
        "sources": ["Programmes de premiers secours en santé mentale (PSSM) jeunes."],
        "evidence": "promising",
        "colour": "#00695c",
    },
    {
        "slug": "soirees-etudiantes-alcool",
        "parent": "universite",
        "title": "Soirées étudiantes : réduire les risques liés à l'alcool",
        "summary": (
            "Accompagner les associations étudiantes pour organiser des soirées plus sûres : "
            "charte, stand de prévention, eau gratuite et retour en sécurité."
        ),
        "themes": ["alcool", "addictions"],
        "settings": ["university"],
        "ages": ["18-25"],
        "audience": "Bureaux des élèves, associations étudiantes, services de santé étudiante",
        "format": "workshop",
        "duration": 90,
        "material": "Charte de soirée, éthylotests, bouchons d'oreille, eau, affiches",
        "steps": [
            "Atelier de 90 minutes avec les organisateurs pour écrire la charte de soirée.",
            "Former deux référents sobres par soirée aux gestes de premiers secours.",
            "Tenir un stand « prévention et réduction des risques » à l'entrée.",
            "Organiser le retour : navettes, covoiturage, hébergement sur place.",
        ],
        "intro": (
            "L'interdiction ne fonctionne pas. La réduction des risques, portée par les "
            "étudiants eux-mêmes, évite les accidents, les comas éthyliques et les violences."
        ),
        "figure": (
            "2 verres",
            "maximum par jour, et pas tous les jours : repère de consommation à moindre risque",
            "Santé publique France et Institut national du cancer, 2017",
        ),
        "quote": (
            "Avec les référents sobres et l'eau à volonté, on a eu zéro appel au SAMU sur "
            "le gala, pour la première fois.",
            "Lucas",
            "président d'association",
        ),
        "faq": [
            (
                "Une soirée sans alcool fait-elle fuir les étudiants ?",
                "Pas forcément : l'essentiel est l'ambiance, et les cocktails sans alcool "
                "bien présentés ont du succès.",
            ),
        ],
        "sources": ["Repères de consommation d'alcool, Santé publique France, 2017."],
        "evidence": "promising",
        "colour": "#b71c1c",
    },
    {
        "slug": "premiers-secours-sante-mentale-etudiants",
        "parent": "universite",
        "title": "Premiers secours en santé mentale pour les étudiants relais",
        "summary": (
            "Former des étudiants relais et des personnels à reconnaître une détresse "
            "psychique et à orienter vers le service de santé étudiante."
        ),
        "themes": ["sante-mentale"],
        "settings": ["university"],
        "ages": ["18-25", "adults"],
        "audience": "Services de santé étudiante, enseignants référents, étudiants relais",
        "format": "programme",
        "duration": 840,
        "material": "Formateur accrédité, manuel du participant, salle de 15 places",
        "steps": [
            "Deux journées de formation par un formateur accrédité.",
            "Constituer un réseau d'étudiants relais par composante.",
            "Diffuser une carte des ressources (psychologues, lignes d'écoute, urgences).",
        ],
        "intro": (
            "Les enquêtes auprès des étudiants montrent une part élevée de détresse "
            "psychique. Savoir réagir dans les premières minutes change la suite."
        ),
        "figure": (
            "2 jours",
            "de formation suffisent pour apprendre à réagir face à une détresse psychique",
            "Programme PSSM France",
        ),
        "quote": (
            "Une étudiante m'a dit qu'elle n'osait pas aller au service de santé. "
            "On y est allées ensemble.",
            "Maëlle",
            "étudiante relais en licence",
        ),
        "faq": [
            (
                "Les étudiants relais remplacent-ils les professionnels ?",
                "Non : ils écoutent et orientent, les soins restent l'affaire des professionnels.",
            ),
        ],
        "sources": ["Programme PSSM France (Premiers secours en santé mentale)."],
        "evidence": "validated",
        "colour": "#4527a0",
    },
    {
        "slug": "sante-sexuelle-campus",
        "parent": "universite",
        "title": "Santé sexuelle sur le campus : dépistage et préservatifs en accès libre",
        "summary": (
            "Des distributeurs de préservatifs gratuits, des journées de dépistage rapide "
            "et une information claire sur le consentement."
        ),
        "themes": ["sante-sexuelle", "depistage"],
        "settings": ["university"],
        "ages": ["18-25"],
        "audience": "Services de santé étudiante, associations de prévention, CeGIDD",
        "format": "talk",
        "duration": 240,
        "material": "Stand, préservatifs, tests rapides (avec un centre de dépistage partenaire)",
        "steps": [
            "Installer des distributeurs gratuits dans les lieux de passage.",
            "Organiser une demi-journée de dépistage avec le centre de dépistage local.",
            "Animer un quiz sur le consentement et les idées reçues.",
        ],
        "intro": (
            "Les moins de 26 ans peuvent obtenir gratuitement des préservatifs en pharmacie. "
            "Rapprocher le dépistage des étudiants lève les derniers freins."
        ),
        "figure": (
            "Gratuit",
            "préservatifs en pharmacie pour les moins de 26 ans, sans ordonnance",
            "Assurance maladie, depuis 2023",
        ),
        "quote": (
            "Le dépistage sur le campus, entre deux cours, sans rendez-vous : "
            "je ne l'aurais jamais fait autrement.",
            "Thomas",
            "étudiant en master",
        ),
        "faq": [
            (
                "Les résultats sont-ils confidentiels ?",
                "Oui, le dépistage peut même être anonyme avec un centre de dépistage.",
            ),
        ],
        "sources": ["Assurance maladie, préservatifs gratuits pour les moins de 26 ans."],
        "evidence": "validated",
        "colour": "#ad1457",
    },
    {
        "slug": "sommeil-examens",
        "parent": "universite",
        "title": "Sommeil et révisions : préparer la période des examens",
        "summary": (
            "Un atelier d'une heure pour organiser ses révisions sans sacrifier le sommeil, "
            "qui consolide ce qui a été appris."
        ),
        "themes": ["sommeil", "sante-mentale"],
        "settings": ["university"],
        "ages": ["18-25"],
        "audience": "Bibliothèques universitaires, services de santé, tuteurs",
        "format": "workshop",
        "duration": 60,
        "material": "Planning de révision vierge, diaporama",
        "steps": [
            "Expliquer le rôle du sommeil dans la mémorisation.",
            "Construire un planning avec des pauses et une heure de coucher fixe.",
            "Présenter des techniques de détente avant l'examen.",
        ],
        "intro": (
            "Les nuits blanches avant un partiel dégradent la mémoire et la concentration. "
            "Un sommeil régulier est le meilleur allié des révisions."
        ),
        "figure": (
            "7 à 9 h",
            "de sommeil par nuit recommandées pour les jeunes adultes",
            "National Sleep Foundation",
        ),
        "quote": (
            "J'ai arrêté les révisions jusqu'à 3 h du matin. J'ai eu ma meilleure moyenne.",
            "Sofia",
            "étudiante en deuxième année",
        ),
        "faq": [],
        "sources": ["Institut national du sommeil et de la vigilance (INSV)."],
        "evidence": "innovative",
        "colour": "#283593",
    },
    {
        "slug": "mois-sans-tabac-entreprise",
        "parent": "entreprise",
        "title": "Arrêter de fumer en équipe : le Mois sans tabac en entreprise",
        "summary": (
            "Organiser en novembre un défi collectif d'arrêt du tabac, avec des "
            "consultations d'aide à l'arrêt sur le lieu de travail."
        ),
        "themes": ["tabac", "addictions"],
        "settings": ["workplace"],
        "ages": ["adults", "seniors"],
        "audience": "Services RH, santé au travail, CSE et managers volontaires",
        "format": "programme",
        "duration": 180,
        "material": "Kit du défi (affiches, calendrier), salle pour les consultations",
        "steps": [
            "En octobre : annoncer le défi et constituer des équipes de volontaires.",
            "Faire intervenir un tabacologue ou une sage-femme pour des consultations.",
            "Pendant 30 jours : un point hebdomadaire de 15 minutes par équipe.",
            "Célébrer les jours sans tabac sans stigmatiser celles et ceux qui reprennent.",
        ],
        "intro": (
            "Après 30 jours sans fumer, les chances d'arrêter définitivement sont multipliées. "
            "Le collectif de travail est un soutien puissant, à condition de rester "
            "bienveillant."
        ),
        "figure": (
            "× 5",
            "les chances d'arrêter définitivement après 30 jours sans tabac",
            "Santé publique France, Mois sans tabac",
        ),
        "quote": (
            "On était huit au départ dans l'atelier. Six mois après, cinq n'ont pas repris. "
            "Le point du lundi nous a tenus.",
            "Karim",
            "technicien de maintenance",
        ),
        "faq": [
            (
                "Les substituts nicotiniques sont-ils remboursés ?",
                "Oui, sur prescription, par l'Assurance maladie.",
            ),
            (
                "Faut-il interdire la pause cigarette ?",
                "Non : proposez plutôt une pause active ou un espace détente alternatif.",
            ),
        ],
        "sources": [
            "Santé publique France, dispositif Mois sans tabac.",
            "Tabac info service : 39 89.",
        ],
        "evidence": "validated",
        "colour": "#8a3b00",
        "kit": {
            "slug": "kit-mois-sans-tabac",
            "title": "Kit « Défi sans tabac en entreprise »",
            "summary": "Tout pour lancer le défi en novembre : déroulé, affiche et suivi.",
            "contents": [
                "Déroulé du défi semaine par semaine",
                "Affiche à imprimer pour les espaces communs",
                "Fiche de suivi anonyme pour les équipes",
                "Annuaire des aides à l'arrêt (39 89, tabacologues)",
            ],
        },
    },
    {
        "slug": "tms-echauffement-postes",
        "parent": "entreprise",
        "title": "Prévenir les troubles musculo-squelettiques : postes et échauffement",
        "summary": (
            "Observer les postes avec les opérateurs, corriger les gestes et installer un "
            "échauffement de cinq minutes en début de poste."
        ),
        "themes": ["troubles-musculo-squelettiques", "activite-physique"],
        "settings": ["workplace"],
        "ages": ["adults", "seniors"],
        "audience": "Préventeurs, ergonomes, chefs d'équipe en production ou logistique",
        "format": "workshop",
        "duration": 120,
        "material": "Grille d'observation, appareil photo, tapis",
        "steps": [
            "Observer deux postes avec les opérateurs et noter les gestes contraignants.",
            "Chercher ensemble des aménagements simples (hauteur, distance, rotation).",
            "Apprendre un échauffement de cinq minutes animé par un opérateur formé.",
        ],
        "intro": (
            "Les troubles musculo-squelettiques sont la première cause de maladie "
            "professionnelle reconnue en France. Les aménagements imaginés par ceux qui font "
            "le travail sont les plus durables."
        ),
        "figure": (
            "1re",
            "cause de maladie professionnelle reconnue en France",
            "Assurance maladie – Risques professionnels",
        ),
        "quote": (
            "On a remonté le plan de travail de dix centimètres. Plus personne ne se plaint "
            "du dos à la préparation de commandes.",
            "Sandrine",
            "cheffe d'équipe en logistique",
        ),
        "faq": [],
        "sources": ["INRS, dossiers sur les troubles musculo-squelettiques."],
        "evidence": "validated",
        "colour": "#5d4037",
    },
    {
        "slug": "pauses-actives-bureau",
        "parent": "entreprise",
        "title": "Pauses actives au bureau : moins de temps assis",
        "summary": (
            "Casser la sédentarité avec des pauses de quelques minutes toutes les heures et des "
            "réunions debout."
        ),
        "themes": ["activite-physique"],
        "settings": ["workplace", "university"],
        "ages": ["adults", "18-25"],
        "audience": "Managers, référents qualité de vie au travail, personnels administratifs",
        "format": "posters",
        "duration": 20,
        "material": "Affiches d'exercices, minuteur",
        "steps": [
            "Présenter en réunion d'équipe les effets de la position assise prolongée.",
            "Afficher cinq exercices simples près des imprimantes et des machines à café.",
            "Proposer une réunion debout par semaine pendant un mois.",
        ],
        "intro": (
            "Rester longtemps assis sans interruption augmente les risques pour la santé, "
            "même chez les personnes sportives. Se lever souvent compte autant que le sport."
        ),
        "figure": (
            "2 h",
            "au plus sans se lever : bouger quelques minutes au moins toutes les deux heures",
            "Repères du Programme national nutrition santé pour les adultes",
        ),
        "quote": (
            "La réunion debout du mardi dure vingt minutes au lieu d'une heure.",
            "Hélène",
            "responsable administrative",
        ),
        "faq": [],
        "sources": ["Anses, avis sur la sédentarité, 2016."],
        "evidence": "promising",
        "colour": "#00838f",
    },
    {
        "slug": "depistage-colorectal-salaries",
        "parent": "entreprise",
        "title": "Dépistage du cancer colorectal : informer les salariés de 50 à 74 ans",
        "summary": (
            "Une séance d'information de trente minutes et la remise du test à faire chez "
            "soi, en lien avec le service de santé au travail."
        ),
        "themes": ["depistage"],
        "settings": ["workplace"],
        "ages": ["seniors"],
        "audience": "Services de santé au travail, RH, mutuelles partenaires",
        "format": "talk",
        "duration": 30,
        "material": "Diaporama, tests de dépistage fournis par le centre régional de dépistage",
        "steps": [
            "Inviter les salariés concernés à une séance courte sur le temps de travail.",
            "Expliquer le test : simple, à faire chez soi, pris en charge à 100 %.",
            "Proposer un rappel à trois semaines par le service de santé au travail.",
        ],
        "intro": (
            "Détecté tôt, le cancer colorectal se guérit dans 9 cas sur 10. Le test est "
            "recommandé tous les deux ans entre 50 et 74 ans."
        ),
        "figure": (
            "9 sur 10",
            "cancers colorectaux guéris lorsqu'ils sont détectés tôt",
            "Institut national du cancer",
        ),
        "quote": (
            "Je repoussais depuis deux ans. Le faire avec les collègues a dédramatisé.",
            "Patrick",
            "conducteur de ligne, 58 ans",
        ),
        "faq": [
            (
                "Le test est-il payant ?",
                "Non, il est pris en charge à 100 % dans le programme national de dépistage.",
            ),
        ],
        "sources": ["Institut national du cancer, dépistage du cancer colorectal."],
        "evidence": "validated",
        "colour": "#4e342e",
    },
]

TESTIMONIES = [
    (
        "Mathilde",
        "staff",
        "school",
        "Nous avons lancé les récréations actives en janvier. Les conflits dans la cour ont "
        "nettement baissé, et les élèves rangent eux-mêmes le matériel.",
    ),
    (
        "Antoine",
        "participant",
        "university",
        "Le stand de prévention à l'entrée du gala n'était pas moralisateur. J'ai pris de "
        "l'eau entre chaque verre et je suis rentré en navette.",
    ),
    (
        "Fatou",
        "staff",
        "workplace",
        "Le défi sans tabac a soudé l'équipe de nuit. Même ceux qui ne fumaient pas venaient "
        "au point du lundi pour encourager.",
    ),
]
