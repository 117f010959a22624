"""Small vocabularies for generated posts (deterministic, no external corpus)."""

_EN = (
    "the a to and of in is it you that for on with this was are be have at not but what "
    "all were when we there can an your which their said if will each about how up out "
    "them then she many some so these would other into has more her two like him see "
    "time could no make than first been its who now people my made over did down only "
    "way find use may water long little very after words called just where most know get "
    "through back much before go good new write our used me man too any day same right "
    "look think also around another came come work three word must because does part "
    "even place well such here take why things help put years different away again off "
    "went old number great tell men say small every found still between name should home "
    "big give air line set own under read last never us left end along while might next "
    "sound below saw something thought both few those always looked show large often "
    "together asked house world going want school important until form food keep "
    "children feet land side without boy once animals life enough took sometimes four "
    "head above kind began almost live page got earth need far hand high year mother "
    "light parts country father match game coffee rain city music movie weekend team "
    "friends dinner garden train book "
)
EN = _EN.split()

_FR = (
    "le la les un une des et est en que qui dans pour pas sur au avec il elle ce cette "
    "nous vous ils mais ou donc car plus tout tous bien aussi comme fait faire être "
    "avoir dit aller voir savoir pouvoir vouloir venir devoir prendre trouver donner "
    "parler aimer passer mettre demander tenir sembler laisser rester penser regarder "
    "répondre rendre connaître paraître arriver entendre attendre croire compter "
    "commencer vivre écrire jour temps année homme femme enfant monde vie main œil chose "
    "fois ville pays maison voiture école travail semaine soir matin nuit café pain "
    "fromage vin restaurant cuisine marché boulangerie événement été hiver printemps "
    "automne pluie soleil mer montagne vélo train gare musique film livre lecture ami "
    "amie famille équipe match rugby football concert fête anniversaire mangeons mangez "
    "manger mangé boire bu chantons chanter dansons danser partons partir nouvelles "
    "nouveau belle beau grand grande petit petite heureux contente fatigué content "
    "aujourd'hui demain hier toujours jamais souvent encore déjà très trop peu beaucoup "
)
FR = _FR.split()

_OTHER = "hola gracias mundo casa buenos días guten tag danke schön welt haus ciao grazie "
OTHER = _OTHER.split()

_TAG_STEMS = (
    "rugby foot cuisine musique cinema photo tech python linux velo voyage paris lyon "
    "marseille science climat politique livres art jardin cafe vin fromage montagne mer "
    "chat chien fediverse gazouille mastodon opensource dev web design jeux sport "
    "running yoga news "
)
TAG_STEMS = _TAG_STEMS.split()
