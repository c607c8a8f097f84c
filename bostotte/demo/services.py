"""Demo data: two teams, staff logins and 40 citizens with about two years of history.

Everything goes through the forms' schemas and the ordinary service functions, so the demo
data passes exactly the validation a user's input would. A fixed seed makes the data the
same for a given `today`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from marshmallow import Schema
from sqlalchemy import func, select

from bostotte import instruments
from bostotte.auth.models import ROLE_LABELS, Role, Team, User
from bostotte.auth.services import create_user
from bostotte.citizens.models import SESSIONS_82B, Citizen, Plan
from bostotte.citizens.schemas import CitizenSchema, PlanSchema
from bostotte.citizens.services import (
    OPEN_SUBGOAL_STATUSES,
    carry_over_goals,
    close_plan,
    create_citizen,
    create_plan,
)
from bostotte.common.db import Session
from bostotte.common.formatting import dk_date
from bostotte.common.schema import DomainError, load_form
from bostotte.common.time import add_months
from bostotte.goals.models import Goal, SubGoal, SubGoalNote
from bostotte.goals.schemas import CloseGoalSchema, GoalSchema, NoteSchema, SubGoalSchema
from bostotte.goals.services import add_goal, add_note, add_subgoal, close_goal, update_goal
from bostotte.scoring.models import Scoring
from bostotte.scoring.schemas import ScoringMetaSchema
from bostotte.scoring.services import edit_scoring, record_scoring

SEED = 85
PASSWORD = "demo1234"
CITIZEN_COUNT = 40
TEAM_NAMES = ("Team Nord", "Team Syd")

# --- Logins ------------------------------------------------------------------------------


class Login(NamedTuple):
    key: str
    email: str
    name: str
    role: Role
    teams: tuple[int, ...]  # indexes into TEAM_NAMES
    sees: str


STAFF = (
    Login("admin", "admin@demo.dk", "Jonas Bak", Role.ADMIN, (),
          "teams og medarbejderes logins; ser ingen borgere"),
    Login("leader", "leder@demo.dk", "Hanne Vinther", Role.LEADER, (0, 1),
          "leder af Team Nord og Team Syd: læser teamenes borgere"),
    Login("worker_nord", "vejleder@demo.dk", "Mette Lindberg", Role.WORKER, (0,),
          "Team Nords borgere: planer, mål, delmål og scoringer"),
    Login("worker_syd", "vejleder2@demo.dk", "Karim Nasser", Role.WORKER, (1,),
          "Team Syds borgere"),
    Login("authority", "myndighed@demo.dk", "Birgitte Krogh", Role.AUTHORITY, (),
          "sagsbehandler for de fleste borgere; sætter baseline og mål for støttebehov"),
    Login("worker_nord2", "vejleder3@demo.dk", "Sune Dalgaard", Role.WORKER, (0,), "Team Nord"),
    Login("worker_syd2", "vejleder4@demo.dk", "Pernille Skov", Role.WORKER, (1,), "Team Syd"),
    Login("authority2", "myndighed2@demo.dk", "Torben Riis", Role.AUTHORITY, (),
          "sagsbehandler for enkelte borgere"),
)
MAIN_LOGINS = 5  # the first five above; the rest are colleagues, so the data varies
BORGER_EMAIL = "borger@demo.dk"
BORGER_NAME = "Louise Kjær"


def _logins_text() -> str:
    lines = [f"Demo-logins (adgangskode: {PASSWORD}):"]
    for login in STAFF[:MAIN_LOGINS]:
        lines.append(f"  {ROLE_LABELS[login.role]:<18} {login.email:<20} {login.name} – "
                     f"{login.sees}")
    lines.append(f"  {ROLE_LABELS[Role.CITIZEN]:<18} {BORGER_EMAIL:<20} {BORGER_NAME} – borger i "
                 "Team Nord: sine egne mål, delmål og seneste målinger")
    extra = ", ".join(f"{login.email} ({login.name}, {login.sees})"
                      for login in STAFF[MAIN_LOGINS:])
    lines.append(f"  Flere kolleger med samme adgangskode: {extra}.")
    return "\n".join(lines)


LOGINS_TEXT = _logins_text()

# --- Names -------------------------------------------------------------------------------

FIRST_NAMES = {
    ("k", True): ("Emma", "Freja", "Sofie", "Ida", "Julie", "Laura", "Cecilie", "Nanna",
                  "Maja", "Sarah", "Amalie", "Signe", "Mathilde", "Josefine", "Fatima", "Line"),
    ("k", False): ("Anne", "Mette", "Susanne", "Lene", "Pia", "Karina", "Tina", "Helle",
                   "Inger", "Kirsten", "Lone", "Gitte", "Jytte", "Bente", "Marianne", "Dorthe"),
    ("m", True): ("Mikkel", "Rasmus", "Kasper", "Frederik", "Mads", "Emil", "Oliver", "Tobias",
                  "Mathias", "Nikolaj", "Sebastian", "Ali", "Magnus", "Christian", "Patrick"),
    ("m", False): ("Lars", "Jens", "Peter", "Michael", "Søren", "Henrik", "Thomas", "Jesper",
                   "Niels", "Ole", "Jørgen", "Bent", "Poul", "Erik", "Flemming", "Kenneth"),
    ("a", True): ("Alex", "Robin", "Noa", "Sam"),
    ("a", False): ("Kim", "Robin", "Alex"),
}
SURNAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Holm",
    "Lund", "Dam", "Bach", "Frederiksen", "Laursen", "Østergaard", "Vestergaard", "Iversen",
    "Svendsen", "Bertelsen", "Nørgaard", "Ahmed", "Yilmaz", "Nguyen", "Hussein",
)
AGE_BANDS = ((18, 29), (30, 49), (50, 64), (65, 75))
AGE_BAND_WEIGHTS = (3, 4, 3, 1)

# --- Goals and delmål (in the citizen's own words) ---------------------------------------


class Step(NamedTuple):
    title: str
    method: str  # a key of SUBGOAL_METHODS
    approach: str  # fremgangsmåde


class GoalText(NamedTuple):
    theme: str
    specific: str
    measurable: str
    realistic: str
    steps: tuple[Step, ...]


GOAL_TEXTS = (
    # Mestring af eget liv
    GoalText("mestring",
             "Jeg vil selv kunne betale mine regninger, så jeg ikke får flere rykkere.",
             "Vi kan se det, når alle faste regninger er betalt til tiden tre måneder i træk.",
             "Jeg har netbank og vil gerne lære det. Jeg sover dårligt, når der kommer rykkere.",
             (Step("Lave et budget for en måned", "praktisk",
                   "Vi tager kontoudtoget frem og skriver de faste udgifter ind i et enkelt "
                   "skema."),
              Step("Tilmelde faste regninger til Betalingsservice", "praktisk",
                   "Vi går regningerne igennem én for én og tilmelder dem sammen i netbanken."),
              Step("Tjekke e-Boks hver mandag", "neuro",
                   "Påmindelse på telefonen mandag kl. 10. De første fire uger tjekker vi "
                   "sammen."))),
    GoalText("mestring",
             "Jeg vil stå op før kl. 9 på hverdage, så jeg får noget ud af dagen.",
             "Vi kan se det, når jeg står op før kl. 9 mindst fire ud af fem hverdage i en "
             "måned.",
             "Når jeg kommer op, har jeg mere overskud og sover bedre om natten.",
             (Step("Gå i seng senest kl. 23.30", "neuro",
                   "Fast aftenrutine med skærmen slukket kl. 23. Vi laver et billedskema til "
                   "køleskabet."),
              Step("Have en aftale hver formiddag", "recovery",
                   "Vi planlægger ugen sammen om mandagen, så der er noget at stå op til."),
              Step("Føre søvndagbog i fire uger", "MI",
                   "Borgeren skriver sengetid og opvågning ned; vi ser på mønstrene sammen."))),
    GoalText("mestring",
             "Jeg vil selv lave en madplan og handle ind til en uge ad gangen.",
             "Vi kan se det, når jeg har handlet efter min madplan tre uger i træk.",
             "Jeg bruger for mange penge på takeaway og vil gerne spise billigere og sundere.",
             (Step("Skrive madplan om søndagen", "praktisk",
                   "Vi bruger en fast skabelon med fem retter, borgeren kan lide."),
              Step("Handle ind efter indkøbsliste", "praktisk",
                   "Første gang handler vi sammen; derefter handler borgeren selv og tager et "
                   "billede af bonen."),
              Step("Lave mad fra bunden to gange om ugen", "praktisk",
                   "Vi laver retterne sammen første gang og skriver opskriften i en mappe."))),
    GoalText("mestring",
             "Jeg vil selv åbne og forstå min post fra kommunen og Udbetaling Danmark.",
             "Vi kan se det, når jeg selv har åbnet og besvaret brevene i tre måneder og kun "
             "ringer, når jeg er i tvivl.",
             "Breve gør mig utryg, og jeg vil ikke være afhængig af andre for at forstå dem.",
             (Step("Åbne e-Boks sammen én gang om ugen", "praktisk",
                   "Fast tid torsdag. Borgeren læser op, og vi taler om, hvad brevet betyder."),
              Step("Lave en mappe til vigtige papirer", "neuro",
                   "Mappe med faneblade: bolig, økonomi, sundhed, kommune."),
              Step("Øve at ringe til Borgerservice", "MI",
                   "Vi skriver spørgsmålene ned på forhånd; borgeren ringer, og vejlederen "
                   "sidder ved siden af."))),
    GoalText("mestring",
             "Jeg vil holde min lejlighed ryddelig, så jeg har lyst til at få gæster.",
             "Vi kan se det, når køkken og stue er ryddet ved vores besøg hver uge i to "
             "måneder.",
             "Rodet stresser mig, og jeg skammer mig over at invitere folk hjem.",
             (Step("Lave en ugeplan for rengøring", "neuro",
                   "Én opgave om dagen, skrevet på en tavle i gangen."),
              Step("Tage opvasken hver aften", "praktisk",
                   "Opvasken tages lige efter aftensmaden; vi følger op ved hvert besøg."),
              Step("Rydde op i ét rum ad gangen", "praktisk",
                   "Vi starter med soveværelset og bruger 30 minutter ad gangen."))),
    GoalText("mestring",
             "Jeg vil kunne tage bussen alene til byen og hjem igen.",
             "Vi kan se det, når jeg har taget bussen alene til byen og hjem fire gange.",
             "Jeg vil selv kunne komme til lægen og handle uden at vente på andre.",
             (Step("Køre turen sammen med vejlederen", "praktisk",
                   "Vi tager turen sammen to gange og aftaler faste holdepunkter undervejs."),
              Step("Bruge Rejseplanen på telefonen", "praktisk",
                   "Vi installerer appen og øver at finde afgange hjemmefra."),
              Step("Køre alene med vejlederen på telefonen", "recovery",
                   "Borgeren ringer, når bussen kører, og igen ved stoppestedet."))),
    GoalText("mestring",
             "Jeg vil kunne mærke, når jeg bliver urolig, og gøre noget ved det, før det bliver "
             "en krise.",
             "Vi kan se det, når jeg har brugt min kriseplan, de gange jeg blev urolig, og ikke "
             "har været akut indlagt i et halvt år.",
             "Jeg kender mine tegn nu og vil gerne have mere kontrol over mit liv.",
             (Step("Lave en kriseplan sammen", "recovery",
                   "Vi skriver tegn, hvad der hjælper, og hvem der kan ringes til, på ét ark."),
              Step("Øve vejrtrækningsøvelser dagligt", "andet",
                   "Fem minutter om morgenen med en app; vi øver sammen ved besøgene."),
              Step("Fortælle én i netværket om kriseplanen", "recovery",
                   "Borgeren vælger selv hvem; vejlederen kan være med, hvis det ønskes."))),
    # Uddannelse og beskæftigelse
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil gerne i praktik i en butik inden sommer.",
             "Vi kan se det, når jeg har en praktikaftale og er mødt op de aftalte dage i fire "
             "uger.",
             "Jeg har været i butik før og trives med at have noget at stå op til.",
             (Step("Forberede samtalen med jobkonsulenten", "MI",
                   "Vi taler om, hvad borgeren er god til, og skriver tre punkter ned."),
              Step("Skrive et kort CV", "praktisk",
                   "Én side; vi bruger skabelonen fra jobcentret."),
              Step("Øve turen til praktikstedet", "praktisk",
                   "Vi tager turen sammen en dag før første praktikdag."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil tage 9.-klasseprøven i dansk på VUC.",
             "Vi kan se det, når jeg er tilmeldt og har været til mindst 80 % af "
             "undervisningen.",
             "Jeg har altid haft svært ved skolen, men vil gerne have papir på, at jeg kan.",
             (Step("Tilmelde mig VUC", "praktisk",
                   "Vi udfylder tilmeldingen sammen på vuc.dk."),
              Step("Lave en lektieplan", "neuro",
                   "Faste lektietider tirsdag og torsdag med pauser hvert 20. minut."),
              Step("Tale med læsevejlederen om hjælpemidler", "ICM",
                   "Vejlederen hjælper med at bestille tid og tager med første gang."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil i gang med frivilligt arbejde et par timer om ugen.",
             "Vi kan se det, når jeg har været frivillig mindst to timer om ugen i to "
             "måneder.",
             "Det er et første skridt mod arbejde, og jeg vil gerne gøre noget for andre.",
             (Step("Finde tre steder, der søger frivillige", "recovery",
                   "Vi kigger på frivilligjob.dk og i Frivilligcentrets blad sammen."),
              Step("Besøge et af stederne", "praktisk",
                   "Vejlederen går med første gang og venter udenfor, hvis borgeren ønsker "
                   "det."),
              Step("Møde op fast hver tirsdag", "recovery",
                   "Vi taler om, hvordan det gik, ved besøget om onsdagen."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil møde stabilt i mit fleksjob, så jeg kan beholde det.",
             "Vi kan se det, når jeg ikke har haft fravær, der ikke var aftalt, i tre måneder.",
             "Jobbet betyder meget for mig og for min økonomi.",
             (Step("Pakke tasken aftenen før", "neuro",
                   "Tjekliste på døren: nøgler, madpakke, medicin, buskort."),
              Step("Sige til i god tid, når jeg har brug for fri", "MI",
                   "Vi øver, hvad borgeren kan sige til sin leder."),
              Step("Månedlig snak med min leder", "ICM",
                   "Vejlederen deltager de første to gange."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil finde ud af, hvad jeg kan arbejde med trods mine smerter.",
             "Vi kan se det, når jeg har haft en afklarende samtale på jobcentret og har en "
             "plan med to konkrete muligheder.",
             "Jeg vil gerne bidrage, men jeg skal kende mine grænser.",
             (Step("Forberede mødet på jobcentret", "ICM",
                   "Vi samler lægepapirer og skriver spørgsmål ned."),
              Step("Skrive ned, hvad jeg kan og ikke kan", "MI",
                   "Borgeren fører en dagbog over en uge om, hvad der gav smerter."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil gennemføre grundforløbet på erhvervsskolen.",
             "Vi kan se det, når jeg har bestået grundforløbet.",
             "Jeg vil være tømrer, og grundforløbet er vejen ind.",
             (Step("Møde til tiden hver dag", "neuro",
                   "Vækkeur på den anden side af værelset og fast morgenrutine."),
              Step("Lektiehjælp om onsdagen", "praktisk",
                   "Vi sidder sammen en time med de opgaver, der skal afleveres."),
              Step("Månedlig snak med kontaktlæreren", "CTI",
                   "Vejlederen koordinerer med skolen, så støtten hænger sammen."))),
    GoalText("uddannelse_beskaeftigelse",
             "Jeg vil komme til alle mine møder på jobcentret, så min ydelse ikke bliver "
             "trukket.",
             "Vi kan se det, når jeg har mødt op til alle møder i et halvt år.",
             "Jeg har fået sanktioner før og vil ikke have pengeproblemer igen.",
             (Step("Skrive møderne i kalenderen på telefonen", "praktisk",
                   "Vi lægger alle breve med mødetider ind sammen, når de kommer."),
              Step("Melde afbud, hvis jeg er syg", "MI",
                   "Vi skriver en lille tekst, borgeren kan sende eller læse op."))),
    # Sundhed
    GoalText("sundhed",
             "Jeg vil tage min medicin fast, så jeg ikke glemmer den.",
             "Vi kan se det, når doseringsæsken er tømt til tiden hver uge i to måneder.",
             "Jeg har det bedre, når jeg tager medicinen, og vil undgå at blive indlagt.",
             (Step("Få doseringsæske fra apoteket", "praktisk",
                   "Vi aftaler ophældning med apoteket og henter den første sammen."),
              Step("Alarm på telefonen morgen og aften", "neuro",
                   "To faste alarmer med tekst: 'Medicin – husk vand'."),
              Step("Tale med egen læge om bivirkninger", "ICM",
                   "Vejlederen hjælper med at skrive bivirkningerne ned før lægebesøget."))),
    GoalText("sundhed",
             "Jeg vil gå en tur på mindst 20 minutter tre gange om ugen.",
             "Vi kan se det, når skridttælleren viser mindst tre ture om ugen i seks uger.",
             "Lægen siger, det er godt for mit humør og mit blodsukker.",
             (Step("Finde en fast rute", "praktisk",
                   "Vi går ruten sammen første gang – rundt om søen, ca. 2 km."),
              Step("Gå sammen med vejlederen om mandagen", "recovery",
                   "Besøget om mandagen bliver en gåtur i stedet for en snak i stuen."),
              Step("Gå med i gågruppen i aktivitetshuset", "recovery",
                   "Vejlederen præsenterer borgeren for tovholderen."))),
    GoalText("sundhed",
             "Jeg vil drikke mindre, så jeg kun drikker i weekenden.",
             "Vi kan se det, når min drikkedagbog viser, at jeg har holdt mig til weekenden i "
             "to måneder.",
             "Jeg vil have mere overskud og have min søn på besøg igen.",
             (Step("Føre drikkedagbog", "MI",
                   "Borgeren skriver ned hver dag; vi ser på den sammen uden at dømme."),
              Step("Tage kontakt til alkoholbehandlingen", "ICM",
                   "Vejlederen hjælper med første opkald og tager med til samtalen."),
              Step("Finde noget andet at lave om aftenen", "recovery",
                   "Vi laver en liste over ting, borgeren kan lide, og prøver én om ugen."))),
    GoalText("sundhed",
             "Jeg vil komme til tandlægen, selv om jeg er bange for det.",
             "Vi kan se det, når jeg har været til undersøgelse og har en behandlingsplan.",
             "Tænderne gør ondt, og jeg holder mig for munden, når jeg griner.",
             (Step("Bestille tid", "praktisk",
                   "Vi ringer sammen fra borgerens telefon."),
              Step("Vejlederen går med første gang", "praktisk",
                   "Vejlederen sidder i venteværelset; vi aftaler et tegn, hvis det bliver for "
                   "meget."),
              Step("Fortælle tandlægen om angsten", "MI",
                   "Vi øver, hvad borgeren vil sige, og skriver det på en seddel."))),
    GoalText("sundhed",
             "Jeg vil sove bedre, så jeg ikke er træt hele dagen.",
             "Vi kan se det, når søvndagbogen viser mindst seks timers søvn de fleste nætter "
             "i en måned.",
             "Når jeg sover, kan jeg overskue mere, og angsten fylder mindre.",
             (Step("Ingen kaffe efter kl. 15", "MI",
                   "Borgeren prøver det i to uger, og vi taler om, hvad det gør."),
              Step("Føre søvndagbog", "neuro",
                   "Et enkelt skema ved sengen: sengetid, opvågning og hvordan natten var."),
              Step("Tale med lægen om søvnen", "ICM",
                   "Vi tager søvndagbogen med til lægen."))),
    GoalText("sundhed",
             "Jeg vil spise et varmt måltid hver dag.",
             "Vi kan se det, når madplanen viser et varmt måltid mindst seks dage om ugen i en "
             "måned.",
             "Jeg har tabt mig meget og bliver svimmel, når jeg ikke spiser.",
             (Step("Have nemme retter i fryseren", "praktisk",
                   "Vi laver dobbeltportioner sammen og fryser ned."),
              Step("Spise i fælleshuset om torsdagen", "recovery",
                   "Vejlederen går med de første to gange."))),
    GoalText("sundhed",
             "Jeg vil holde op med at ryge hash på hverdage.",
             "Vi kan se det, når jeg har været hashfri på hverdage i tre måneder.",
             "Jeg vil kunne passe min uddannelse og have styr på pengene.",
             (Step("Tale med rusmiddelcentret", "ICM",
                   "Vejlederen hjælper med at booke en samtale og tager med."),
              Step("Finde ud af, hvornår trangen kommer", "MI",
                   "Borgeren noterer situationer med trang i en uge."),
              Step("Slette kontakter, der sælger", "recovery",
                   "Borgeren bestemmer selv tempoet; vi taler om, hvad der er svært."))),
    # Socialt liv
    GoalText("socialt_liv",
             "Jeg vil se min søster mindst én gang om måneden.",
             "Vi kan se det, når jeg har besøgt eller haft besøg af min søster hver måned i et "
             "halvt år.",
             "Min søster betyder meget for mig, og vi har ikke set hinanden i to år.",
             (Step("Skrive en sms til min søster", "MI",
                   "Vi skriver beskeden sammen, men borgeren sender den selv."),
              Step("Planlægge første besøg", "praktisk",
                   "Vi finder togtider og aftaler, hvad borgeren vil have med."))),
    GoalText("socialt_liv",
             "Jeg vil være med i et fællesskab, hvor jeg møder andre.",
             "Vi kan se det, når jeg har deltaget i den samme aktivitet mindst hver anden uge "
             "i tre måneder.",
             "Jeg sidder meget alene og savner at grine med nogen.",
             (Step("Finde en aktivitet i Frivilligcentret", "recovery",
                   "Vi kigger på programmet sammen; borgeren vælger to, der lyder rare."),
              Step("Gå med første gang", "praktisk",
                   "Vejlederen går med og trækker sig, når borgeren er faldet til."),
              Step("Tale om, hvordan det gik", "MI",
                   "Efter hver gang: hvad var godt, hvad var svært?"))),
    GoalText("socialt_liv",
             "Jeg vil have bedre kontakt til mine børn.",
             "Vi kan se det, når mine samvær hver anden weekend bliver til noget i tre "
             "måneder.",
             "Jeg vil være en forælder, mine børn kan regne med.",
             (Step("Forberede samvær om fredagen", "praktisk",
                   "Vi handler ind og planlægger én aktivitet til weekenden."),
              Step("Møde med familieafdelingen", "ICM",
                   "Vejlederen deltager og hjælper med at holde fokus på borgerens ønsker."),
              Step("Skrive til børnene mellem samværene", "recovery",
                   "En kort besked om onsdagen."))),
    GoalText("socialt_liv",
             "Jeg vil kunne sige nej, når mine venner vil låne penge.",
             "Vi kan se det, når jeg ikke har lånt penge ud i tre måneder og selv har sagt "
             "nej.",
             "Jeg løber tør for penge før månedens udgang, og det går ud over min mad.",
             (Step("Øve at sige nej", "MI",
                   "Vi rollespiller de situationer, der er svære."),
              Step("Lave en aftale med banken om en opsparingskonto", "praktisk",
                   "Penge til husleje og mad flyttes automatisk den første."))),
    GoalText("socialt_liv",
             "Jeg vil lære at bruge Messenger, så jeg kan skrive med min familie.",
             "Vi kan se det, når jeg selv skriver med min familie hver uge.",
             "Mine børnebørn skriver på Messenger, og jeg vil gerne være med.",
             (Step("Installere Messenger og lave en profil", "praktisk",
                   "Vi gør det sammen på borgerens egen telefon."),
              Step("Sende en besked hver søndag", "recovery",
                   "Borgeren sender et billede eller en hilsen; vi ser på svarene sammen."))),
    GoalText("socialt_liv",
             "Jeg vil begynde at spille fodbold igen i den lokale klub.",
             "Vi kan se det, når jeg har været til træning mindst to gange om måneden i et "
             "halvt år.",
             "Fodbold var det, jeg var glad for, før jeg blev syg.",
             (Step("Kontakte klubbens træner", "praktisk",
                   "Vi finder kontaktoplysninger, og borgeren ringer."),
              Step("Tage med til første træning", "recovery",
                   "Vejlederen kører med og venter i klubhuset."),
              Step("Finde en makker at følges med", "recovery",
                   "Vi spørger træneren, om der er nogen fra området."))),
)

# --- Everyday notes ------------------------------------------------------------------------

PLAN_NOTES = {
    "§85": "Handleplan efter § 141. Mål aftalt på opstartsmødet med borger og myndighed.",
    "§82b": "Tidsafgrænset forløb efter § 82 b uden visitation: op til 10 samtaler på 6 "
            "måneder.",
}
PROGRESS_NOTES = (
    "Vi har gennemgået planen sammen. Borgeren havde selv skrevet ned, hvad der var svært.",
    "Det er gået godt i denne uge. Borgeren siger, at det er blevet lettere.",
    "Besøget blev aflyst på grund af sygdom. Vi tager det op igen næste gang.",
    "Borgeren har selv taget initiativ og gennemført det uden støtte.",
    "Svær uge. Vi aftalte at tage et mindre skridt ad gangen.",
    "Vi øvede det sammen i dag. Næste gang prøver borgeren alene.",
    "Borgeren har mødt op alle de aftalte dage. Tydelig fremgang.",
    "Vi har justeret fremgangsmåden: påmindelser om morgenen virker bedre end om aftenen.",
    "Borgeren var i tvivl om delmålet. Vi talte om, hvorfor det er vigtigt for borgeren.",
    "Kontakten til netværket har hjulpet. Borgeren vil gerne fortsætte.",
    "Tilbagefald efter en hård weekend, men borgeren tog selv kontakt.",
    "Næsten i mål. Vi evaluerer ved næste statusmøde.",
    "Borgeren fortæller stolt om, hvordan det gik. Vi fejrede det med en kop kaffe.",
    "Vi har talt med egen læge, som bakker op om planen.",
)
DONE_NOTES = (
    "Delmålet er nået. Borgeren klarer det nu selv.",
    "Nået! Vi aftalte at holde fast i rutinen uden fast opfølgning.",
    "Delmålet er opfyldt, og borgeren vil selv vælge det næste skridt.",
)
CLOSE_REASONS = {
    "achieved": ("Målet er nået, og borgeren klarer det nu selv.",
                 "Nået. Borgeren har fastholdt det i flere måneder."),
    "partly_achieved": ("Delvist nået. Borgeren har gjort store fremskridt, men har stadig brug "
                        "for lidt støtte.",
                        "Delvist nået; arbejdet fortsætter i en anden form i den nye plan."),
    "abandoned": ("Borgeren ønskede at fokusere på andre mål.",
                  "Ikke realistisk lige nu på grund af sygdom.",
                  "Forudsætningen faldt bort, da praktikstedet lukkede.",
                  "Borgeren og myndighed aftalte at prioritere boligen først."),
}
FKO_NOTES = {
    "better": ("Mindre støtte end sidst – klarer flere opgaver selv.",
               "Tydelig fremgang; har selv taget initiativ flere gange.",
               "Har nu mest brug for påmindelser."),
    "same": ("Uændret støttebehov. Arbejder stadig med de samme delmål.",
             "Stabilt – fastholder det, der er opnået.",
             "Stadig brug for støtte hver uge, men ingen tilbagegang."),
    "worse": ("Øget støttebehov efter en svær periode.",
              "Tilbagefald; vi har aftalt hyppigere besøg.",
              "Mere uro i perioden – brug for tættere støtte."),
}
FKO_FINAL_NOTE = "Afsluttende status ved planens udløb, gennemgået med borgeren."
CITIZEN_COMMENTS = (
    "Det har været en god uge.",
    "Svært med søvnen for tiden.",
    "Jeg er glad for, at vi tog ud at gå.",
    "Meget at se til med kommunen lige nu.",
    "Min søster har været på besøg!",
)
REM_NOTES = ("Første REM-scoring, lavet sammen med borgeren på hjemmebesøg.",
             "Årlig opfølgning. Vi gik de ni områder igennem sammen.")
DECLINED_NOTE = ("Borgeren ønskede ikke at udfylde skemaet i dag. Udkast ud fra samtalen; "
                 "vi ser på det sammen næste gang.")
DISAGREED = {
    "ORS": ("Borgeren vurderer sig selv højere, end jeg gør ud fra samtalen. Vi taler om "
            "forskellen næste gang.", "Jeg synes selv, det går bedre, end du skriver."),
    "REM": ("Vi er uenige om økonomi og struktur. Borgerens egen vurdering er gemt ved siden "
            "af.", "Jeg har faktisk styr på de fleste ting nu."),
}

# --- Who the citizens are ------------------------------------------------------------------


@dataclass
class Profile:
    name: str
    gender: str
    birth_year: int
    team: int
    kind: str  # "85", "82b", or "82b_85" (a §82b forløb followed by §85)
    start: date
    ended: bool = False
    fko: bool = True
    fit: bool = False
    rem: bool = False
    pakke1: bool = False
    trend: str = "improve"  # FKO and REM: improve, flat, worse
    ors_trend: str = "improve"  # improve, flat, decline
    srs_low: bool = False
    overdue: bool = False  # the latest FKO statuses are missing
    ors_special: str | None = None  # one ORS "worker_draft" (declined) or "disagreed"
    rem_disagreed: bool = False
    is_borger: bool = False


class Period(NamedTuple):
    legal_basis: str
    start: date
    end: date  # the plan's end date as created
    closed_on: date | None  # None: the plan is still active
    carry: bool = False  # the active goals continue in the next plan


def _periods(p: Profile, today: date) -> list[Period]:
    if p.kind == "82b":
        end = add_months(p.start, 6)
        return [Period("§82b", p.start, end, end if p.ended else None)]
    if p.kind == "82b_85":
        moved = add_months(p.start, 6) - timedelta(days=10)
        return [Period("§82b", p.start, add_months(p.start, 6), moved, carry=True),
                Period("§85", moved, add_months(moved, 12), None)]
    periods, start = [], p.start
    while True:
        end = add_months(start, 12)
        if p.ended or end <= today:
            periods.append(Period("§85", start, end, end))
            if p.ended:
                return periods
            start = end + timedelta(days=1)
        else:
            periods.append(Period("§85", start, end, None))
            return periods


def _profiles(rng: random.Random, today: date) -> list[Profile]:
    """Forty citizens; the first is the one behind the borger login."""
    borger = Profile(BORGER_NAME, "k", today.year - 34, 0, "85", today - timedelta(days=680),
                     fit=True, rem=True, is_borger=True)
    others = list(range(1, CITIZEN_COUNT))
    rng.shuffle(others)
    kinds = {others[0]: "82b_85"} | dict.fromkeys(others[1:5], "82b")
    ended = {others[4], others[5]}  # one finished §82b forløb and one finished §85 plan
    pakke1 = set(others[6:9])
    other_gender = set(rng.sample(others, 2))
    forced_band = {i: band for band, i in enumerate(rng.sample(others, len(AGE_BANDS)))}
    used_names = {BORGER_NAME}
    profiles = [borger]
    for i in range(1, CITIZEN_COUNT):
        kind = kinds.get(i, "85")
        band = AGE_BANDS[forced_band[i] if i in forced_band
                         else rng.choices(range(len(AGE_BANDS)), AGE_BAND_WEIGHTS)[0]]
        birth_year = today.year - rng.randint(*band)
        gender = "a" if i in other_gender else rng.choice("km")
        profiles.append(Profile(
            name=_unique_name(rng, gender, birth_year, used_names), gender=gender,
            birth_year=birth_year, team=i % 2, kind=kind,
            start=today - timedelta(days=_start_days_ago(rng, kind, i in ended)),
            ended=i in ended, pakke1=i in pakke1,
            trend=rng.choices(("improve", "flat", "worse"), (13, 5, 2))[0]))
    _assign_methods(rng, profiles, today)
    return profiles


def _start_days_ago(rng: random.Random, kind: str, ended: bool) -> int:
    if kind == "82b":
        return rng.randint(250, 500) if ended else rng.randint(20, 160)
    if kind == "82b_85":
        return rng.randint(300, 400)
    return rng.randint(420, 700) if ended else rng.randint(25, 715)


def _unique_name(rng: random.Random, gender: str, birth_year: int, used: set[str]) -> str:
    """First names are not repeated while the pool lasts; a surname at most twice."""
    pool = FIRST_NAMES[gender, birth_year >= 1980]
    taken = {name.split()[0] for name in used}
    surnames = [n.split()[-1] for n in used]
    while True:
        first = rng.choice([n for n in pool if n not in taken] or pool)
        name = f"{first} {rng.choice([n for n in SURNAMES if surnames.count(n) < 2])}"
        if name not in used:
            used.add(name)
            return name


def _assign_methods(rng: random.Random, profiles: list[Profile], today: date) -> None:
    """Most FKO, about half FIT, about a third REM (§85 only, never pakke 1)."""
    rest = profiles[1:]
    fit = rng.sample(rest, 19)
    for p in fit:
        p.fit = True
    for p in rng.sample([p for p in fit if p.kind != "82b"], 3):
        p.fko = False
    # REM mostly for the longer-running citizens, so some have a yearly follow-up.
    rem_ok = sorted((p for p in rest if p.kind != "82b" and not p.pakke1),
                    key=lambda p: p.start)
    for p in rng.sample(rem_ok[:16], 8) + rng.sample(rem_ok[16:], 4):
        p.rem = True
    # Special trajectories go to the citizens with the longest FIT history.
    picked = rng.sample(sorted(fit, key=lambda p: p.start)[:10], 7)
    for p in picked[:2]:
        p.ors_trend = "decline"
    for p in picked[2:4]:
        p.ors_trend = "flat"
    picked[4].ors_special, picked[5].ors_special = "worker_draft", "disagreed"
    picked[6].srs_low = True
    for p in rng.sample([p for p in fit if p not in picked], 2):
        p.srs_low = True
    rng.choice(sorted((p for p in rest if p.rem), key=lambda p: p.start)[:3]).rem_disagreed = True
    # Missing quarterly FKO statuses, in plans old enough to have had some.
    overdue_ok = sorted((p for p in rest if p.fko and not p.ended and p.kind == "85"),
                        key=lambda p: _periods(p, today)[-1].start)
    for p in rng.sample(overdue_ok[:8], 4):
        p.overdue = True


# --- Building the records --------------------------------------------------------------


def _form(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate as a submitted form would be: text/ISO dates through the form's schema."""
    raw = {k: v.isoformat() if isinstance(v, date) else v
           for k, v in data.items() if v is not None}
    loaded, errors = load_form(schema, raw)
    if errors:
        raise DomainError(f"Demodata afvist af {type(schema).__name__}: {errors}")
    return loaded


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


@dataclass
class CitizenRun:
    """One citizen being built: who works with her and which goal texts she has used."""

    profile: Profile
    citizen: Citizen
    worker: User
    caseworker: User
    used_goals: set[int] = field(default_factory=set)
    self_scorer: User | None = None  # the borger login, for her own ORS/SRS


class Builder:
    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self.session, self.rng, self.today = session, rng, today
        self.teams: list[Team] = []
        self.staff: dict[str, User] = {}
        self.fko_statuses: list[Scoring] = []  # candidates for a later correction
        self.borger_ors: list[Scoring] = []

    # Teams and logins

    def teams_and_staff(self) -> None:
        for name in TEAM_NAMES:
            team = Team(name=name, is_demo=True)
            self.session.add(team)
            self.teams.append(team)
        self.session.flush()
        for login in STAFF:
            self.staff[login.key] = create_user(
                self.session, email=login.email, name=login.name, role=login.role,
                password=PASSWORD, teams=[self.teams[i] for i in login.teams], is_demo=True)

    def _workers(self, team: int) -> tuple[User, User]:
        suffix = ("_nord", "_syd")[team]
        return self.staff["worker" + suffix], self.staff["worker" + suffix + "2"]

    # Citizens and plans

    def citizen(self, p: Profile, case_no: int) -> Citizen:
        rng = self.rng
        main, colleague = self._workers(p.team)
        worker = main if p.is_borger or rng.random() < 0.6 else colleague
        caseworker = self.staff["authority" if p.is_borger or rng.random() < 0.85
                                else "authority2"]
        periods = _periods(p, self.today)
        data = {
            "display_name": p.name, "case_ref": f"SAG-{p.start.year}-{case_no:04d}",
            "birth_year": p.birth_year, "gender": p.gender, "team_id": self.teams[p.team].id,
            "legal_basis": periods[-1].legal_basis, "start_date": p.start,
            "end_date": periods[-1].closed_on if p.ended else None,
            "uses_fko": p.fko, "uses_fit": p.fit, "uses_rem": p.rem, "pakke1": p.pakke1,
            "caseworker_id": caseworker.id, "primary_worker_id": worker.id,
        }
        citizen = create_citizen(self.session, caseworker,
                                 {**_form(CitizenSchema(), data), "is_demo": True})
        run = CitizenRun(p, citizen, worker, caseworker)
        if p.is_borger:
            run.self_scorer = create_user(
                self.session, email=BORGER_EMAIL, name=p.name, role=Role.CITIZEN,
                password=PASSWORD, citizen_id=citizen.id, is_demo=True)
        sessions: list[date] = []
        previous: tuple[Plan, Period] | None = None
        for period in periods:
            dates = self._session_dates(period) if p.fit or period.legal_basis == "§82b" else []
            sessions += dates
            previous = (self._plan(run, period, dates, previous), period)
        if p.fit:
            self._fit(run, sessions)
        if p.rem:
            first_85 = next(period.start for period in periods if period.legal_basis == "§85")
            self._rem(run, first_85, citizen.end_date or self.today)
        return citizen

    def _session_dates(self, period: Period) -> list[date]:
        """A contact every ~2 weeks (some gaps); a §82b forløb has at most 10 sessions."""
        rng, is_82b = self.rng, period.legal_basis == "§82b"
        last = min(period.closed_on or period.end, self.today)
        dates: list[date] = []
        day = period.start + timedelta(days=rng.randint(1, 6))
        while day <= last and not (is_82b and len(dates) >= SESSIONS_82B):
            dates.append(day)
            step = rng.randint(14, 20) if is_82b else rng.randint(11, 17)
            if not is_82b and rng.random() < 0.08:
                step += rng.randint(20, 40)  # holiday, illness
            day += timedelta(days=step)
        return dates

    def _plan(self, run: CitizenRun, period: Period, sessions: list[date],
              previous: tuple[Plan, Period] | None) -> Plan:
        is_82b = period.legal_basis == "§82b"
        data = {"legal_basis": period.legal_basis, "start_date": period.start,
                "end_date": period.end, "note": PLAN_NOTES[period.legal_basis],
                "sessions_granted": SESSIONS_82B if is_82b else None,
                "sessions_used": len(sessions) if is_82b else None}
        plan = create_plan(self.session, run.citizen, _form(PlanSchema(), data))
        goals: list[tuple[Goal, GoalText]] = []
        if previous is not None and previous[1].carry:
            goals = self._carry_over(run, previous[0], plan, period)
        wanted = 3 if run.profile.is_borger else self.rng.choice((1, 2, 2, 3, 3))
        while len(goals) < wanted:
            goals.append(self._new_goal(run, plan, period.start, run.caseworker))
        self._goal_lives(run, plan, period, goals)
        if period.closed_on:
            close_plan(self.session, plan, period.closed_on)
        return plan

    def _carry_over(self, run: CitizenRun, old: Plan, new: Plan,
                    period: Period) -> list[tuple[Goal, GoalText]]:
        by_text = {t.specific: t for t in GOAL_TEXTS}
        carried = carry_over_goals(self.session, old, new, period.start, run.worker)
        for goal in carried:
            # The §82b target dates lie around the move; the new plan gets new ones.
            update_goal(self.session, goal, {"target_date": add_months(period.start, 9)})
        return [(goal, by_text[goal.specific]) for goal in carried]

    # Goals, delmål and notes

    def _new_goal(self, run: CitizenRun, plan: Plan, created: date,
                  author: User) -> tuple[Goal, GoalText]:
        index = self.rng.choice([i for i in range(len(GOAL_TEXTS)) if i not in run.used_goals])
        run.used_goals.add(index)
        text = GOAL_TEXTS[index]
        target = min(plan.end_date, add_months(created, self.rng.choice((6, 9, 12))))
        data = {"theme": text.theme, "specific": text.specific, "measurable": text.measurable,
                "agreed": True, "agreed_on": created, "realistic": text.realistic,
                "target_date": target}
        return add_goal(self.session, author, plan, _form(GoalSchema(), data), created), text

    def _goal_lives(self, run: CitizenRun, plan: Plan, period: Period,
                    goals: list[tuple[Goal, GoalText]]) -> None:
        """Each goal's delmål, FKO scorings and, in a closed plan, how it ended."""
        rng, age = self.rng, (self.today - period.start).days
        fates = [self._fate(period) for _ in goals]
        # In some older plans the first goal was reached early and a new one took its place.
        replaced_on = None
        if period.closed_on is None and age > 200 and rng.random() < 0.3:
            replaced_on = period.start + timedelta(days=rng.randint(110, age - 40))
            fates[0] = ("achieved", replaced_on)
        for (goal, text), (status, closed_on) in zip(goals, fates, strict=True):
            self._goal_life(run, plan, goal, text, status, closed_on)
        if replaced_on is not None:
            goal, text = self._new_goal(run, plan, replaced_on, run.worker)
            self._goal_life(run, plan, goal, text, "active", None)

    def _fate(self, period: Period) -> tuple[str, date | None]:
        if period.closed_on is None:
            return "active", None
        if period.carry:
            return "carried", period.closed_on
        status = self.rng.choices(("achieved", "partly_achieved", "abandoned"), (4, 4, 2))[0]
        if status == "abandoned":
            span = (period.closed_on - period.start).days
            return status, period.start + timedelta(days=self.rng.randint(90, span - 60))
        return status, period.closed_on

    def _goal_life(self, run: CitizenRun, plan: Plan, goal: Goal, text: GoalText, status: str,
                   closed_on: date | None) -> None:
        self._subgoals(run, goal, text, status, closed_on or self.today)
        if run.profile.fko:
            self._fko(run, plan, goal, status, closed_on)
        if status in CLOSE_REASONS:
            data = {"status": status, "closed_on": closed_on,
                    "close_reason": self.rng.choice(CLOSE_REASONS[status])}
            close_goal(self.session, goal, _form(CloseGoalSchema(), data))

    def _subgoals(self, run: CitizenRun, goal: Goal, text: GoalText, goal_status: str,
                  until: date) -> None:
        rng, created = self.rng, goal.created_on
        carried = {sg.title for sg in goal.subgoals}  # open delmål a carried-over goal brought
        count = rng.randint(1, len(text.steps)) - len(carried)
        steps = [s for s in text.steps if s.title not in carried]
        for step in (steps[i] for i in sorted(rng.sample(range(len(steps)), max(count, 0)))):
            status = self._subgoal_status(goal_status, (until - created).days)
            days = rng.randint(30, 120)
            target = created + timedelta(days=days)
            if status in OPEN_SUBGOAL_STATUSES and target < until - timedelta(days=21):
                # An open delmål's date is mostly moved on as the work goes; a few lag.
                target = until + timedelta(days=days - 45)
            data = {"title": step.title, "method": step.method, "approach": step.approach,
                    "target_date": target, "status": status}
            subgoal = add_subgoal(self.session, goal, _form(SubGoalSchema(), data), created)
            self._notes(run, subgoal, created, until, status)

    def _subgoal_status(self, goal_status: str, days: int) -> str:
        options = {
            "achieved": {"achieved": 8, "dropped": 2},
            "partly_achieved": {"achieved": 5, "in_progress": 3, "dropped": 2},
            "abandoned": {"dropped": 6, "in_progress": 2, "not_started": 2},
        }.get(goal_status)
        if options is None:  # active or carried over
            options = ({"not_started": 5, "in_progress": 5} if days < 45 else
                       {"not_started": 2, "in_progress": 10, "achieved": 6, "dropped": 1})
        return self.rng.choices(list(options), list(options.values()))[0]

    def _notes(self, run: CitizenRun, subgoal: SubGoal, start: date, until: date,
               status: str) -> None:
        span = (until - start).days
        if status == "not_started" or span < 10:
            return
        count = min(self.rng.randint(0, 4), span // 7)
        days = sorted(self.rng.sample(range(7, span + 1), count))
        texts = self.rng.sample(PROGRESS_NOTES, count)
        if status == "achieved" and count:
            texts[-1] = self.rng.choice(DONE_NOTES)
        for day, text in zip(days, texts, strict=True):
            data = {"noted_on": start + timedelta(days=day), "text": text}
            add_note(self.session, run.worker, subgoal, _form(NoteSchema(), data), self.today)

    # Scorings

    def _score(self, actor: User, run: CitizenRun, instrument_id: str, on: date,
               values: Mapping[str, float], *, goal: Goal | None = None,
               occasion: str | None = None, participation: str = "together",
               note: str | None = None, comment: str | None = None,
               citizen_values: Mapping[str, float] | None = None) -> Scoring:
        meta = {"scored_on": on, "occasion": occasion, "goal_id": goal.id if goal else None,
                "participation": participation, "worker_note": note,
                "citizen_comment": comment}
        return record_scoring(self.session, actor, run.citizen, instrument_id,
                              _form(ScoringMetaSchema(), meta), values, citizen_values,
                              today=self.today)

    def _fko(self, run: CitizenRun, plan: Plan, goal: Goal, status: str,
             closed_on: date | None) -> None:
        """Baseline and target by myndighed; quarterly status and a final by the worker."""
        rng = self.rng
        baseline = rng.choice((2, 3, 3, 3, 4))
        target = max(0, baseline - rng.choice((0, 1, 1, 1, 2)))
        for occasion, value in (("baseline", baseline), ("target", target)):
            self._score(run.caseworker, run, "FKO", goal.created_on, {"value": value},
                        goal=goal, occasion=occasion)
        until = closed_on - timedelta(days=20) if closed_on else self.today
        if run.profile.overdue and closed_on is None:
            until = self.today - timedelta(days=101)
        trend = run.profile.trend if rng.random() < 0.7 else rng.choice(("improve", "flat"))
        value, k = baseline, 1
        while (mark := add_months(plan.start_date, 3 * k)) < plan.end_date and mark <= until:
            k += 1
            if mark <= goal.created_on:
                continue
            new = self._fko_step(value, baseline, target, trend)
            change = "better" if new < value else "worse" if new > value else "same"
            on = min(mark + timedelta(days=rng.randint(0, 10)), until)
            self.fko_statuses.append(self._score(
                run.worker, run, "FKO", on, {"value": new}, goal=goal, occasion="status",
                note=rng.choice(FKO_NOTES[change])))
            value = new
        if closed_on and status in ("achieved", "partly_achieved", "carried"):
            final = {"achieved": min(value, target),
                     "partly_achieved": min(baseline, max(value, target + 1))}.get(status, value)
            self._score(run.worker, run, "FKO", closed_on, {"value": final}, goal=goal,
                        occasion="final", note=FKO_FINAL_NOTE)

    def _fko_step(self, value: int, baseline: int, target: int, trend: str) -> int:
        r = self.rng.random()
        if trend == "improve":
            return value - 1 if r < 0.5 and value > max(0, target - 1) else value
        if trend == "worse":
            return min(4, value + 1) if r < 0.4 else value
        return int(_clamp(baseline + (r > 0.85) - (r < 0.15), 0, 4))

    def _fit(self, run: CitizenRun, dates: Sequence[date]) -> None:
        """ORS at the start and SRS at the end of each contact."""
        if not dates:
            return
        rng, p = self.rng, run.profile
        first = rng.uniform(19, 24) if p.ors_trend == "decline" else rng.uniform(13, 24)
        last = {"improve": rng.uniform(27.5, 31.5), "flat": first + rng.uniform(-2, 3),
                "decline": first - rng.uniform(6.5, 8)}[p.ors_trend]
        alliance = rng.uniform(32.5, 35.5) if p.srs_low else rng.uniform(35.8, 38.8)
        ors_offsets = _offsets(rng, 1.5)
        srs_offsets = _offsets(rng, 0.4)
        special_at = len(dates) // 2 if p.ors_special else -1
        for n, day in enumerate(dates):
            progress = min(1.0, (day - dates[0]).days / 300)
            total = first + (last - first) * (1 - (1 - progress) ** 2)
            if n:
                total += rng.gauss(0, 1.2)
            ors = _split(rng, "ORS", total, ors_offsets, 0.5)
            if n == special_at:
                self._special_ors(run, day, ors, p.ors_special or "")
                continue
            actor, participation = run.worker, "together"
            if rng.random() < 0.2:
                actor, participation = run.self_scorer or run.worker, "citizen_self"
            comment = rng.choice(CITIZEN_COMMENTS) if rng.random() < 0.1 else None
            scoring = self._score(actor, run, "ORS", day, ors, participation=participation,
                                  comment=comment)
            if p.is_borger and participation == "together":
                self.borger_ors.append(scoring)
            srs = _split(rng, "SRS", min(39.6, alliance + rng.gauss(0, 0.9)), srs_offsets, 0.3)
            self._score(actor, run, "SRS", day, srs, participation=participation)

    def _special_ors(self, run: CitizenRun, day: date, ors: dict[str, float],
                     kind: str) -> None:
        if kind == "worker_draft":
            self._score(run.worker, run, "ORS", day, ors, participation="worker_draft",
                        note=DECLINED_NOTE)
            return
        own = {k: round(_clamp(v + self.rng.uniform(0.8, 2.0), 0, 10), 1)
               for k, v in ors.items()}
        note, comment = DISAGREED["ORS"]
        self._score(run.worker, run, "ORS", day, ors, participation="disagreed", note=note,
                    comment=comment, citizen_values=own)

    def _rem(self, run: CitizenRun, start_85: date, last: date) -> None:
        """First REM within 3 months of the §85 start, then about yearly."""
        rng, p = self.rng, run.profile
        dates = [start_85 + timedelta(days=rng.randint(20, 85))]
        while (follow_up := add_months(dates[-1], 12) + timedelta(days=rng.randint(-10, 14))
               ) <= last:
            dates.append(follow_up)
        dates = [d for d in dates if d <= last]
        items = instruments.get("REM").item_ids
        values = {item: rng.choices((1, 2, 3, 4), (2, 4, 4, 2))[0] for item in items}
        up, down = {"improve": (0.08, 0.45), "flat": (0.15, 0.15), "worse": (0.35, 0.1)}[p.trend]
        for n, day in enumerate(dates):
            if p.rem_disagreed and n == len(dates) - 1:
                own = dict(values)
                for item in rng.sample(items, 3):
                    own[item] = own[item] - 1 if own[item] else 1
                note, comment = DISAGREED["REM"]
                self._score(run.worker, run, "REM", day, values, participation="disagreed",
                            note=note, comment=comment, citizen_values=own)
            else:
                self._score(run.worker, run, "REM", day, values, note=REM_NOTES[min(n, 1)])
            values = {k: int(_clamp(v + (rng.random() < up) - (rng.random() < down), 0, 4))
                      for k, v in values.items()}

    def corrections(self) -> None:
        """A few scorings corrected afterwards, so the edit history has something to show."""
        for scoring in self.rng.sample(self.fko_statuses, 2):
            value = scoring.values["value"]
            self._edit(scoring, {"value": value - 1 if value > 0 else value + 1},
                       "Rettet efter teammøde: støttebehovet var vurderet forkert.")
        if self.borger_ors:
            scoring = self.borger_ors[-1]
            values = dict(scoring.values)
            values["socialt"] = _clamp(values["socialt"] + 1.0, 0, 10)
            self._edit(scoring, values, "Rettet: tastefejl i punktet Socialt.")

    def _edit(self, scoring: Scoring, values: Mapping[str, float], note: str) -> None:
        meta = {"scored_on": scoring.scored_on, "occasion": scoring.occasion,
                "participation": scoring.participation, "worker_note": note,
                "citizen_comment": scoring.citizen_comment}
        actor = self.session.get_one(User, scoring.scored_by_id)
        edit_scoring(self.session, actor, scoring, _form(ScoringMetaSchema(), meta), values,
                     scoring.citizen_values or None, today=self.today)


def _offsets(rng: random.Random, spread: float) -> list[float]:
    """How a citizen's four ORS/SRS items differ from the average, summing to zero."""
    raw = [rng.uniform(-spread, spread) for _ in range(4)]
    mean = sum(raw) / 4
    return [r - mean for r in raw]


def _split(rng: random.Random, instrument_id: str, total: float, offsets: Sequence[float],
           jitter: float) -> dict[str, float]:
    """Four 0–10 items with one decimal adding up to about `total`."""
    items = instruments.get(instrument_id).item_ids
    return {item: round(_clamp(total / 4 + offset + rng.gauss(0, jitter), 0, 10), 1)
            for item, offset in zip(items, offsets, strict=True)}


# --- Public API ----------------------------------------------------------------------------


def database_state(session: Session) -> str:
    """"empty", "demo" (only demo teams, users and citizens) or "data"."""
    total = non_demo = 0
    for model in (Team, User, Citizen):
        total += session.scalar(select(func.count()).select_from(model)) or 0
        non_demo += session.scalar(
            select(func.count()).select_from(model).where(model.is_demo.is_(False))) or 0
    if total == 0:
        return "empty"
    return "demo" if non_demo == 0 else "data"


def has_demo_logins(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)
                               .where(User.is_demo.is_(True), User.active.is_(True))))


def load_demo(session: Session, today: date) -> str:
    """Create the demo teams, logins and citizens; the caller commits."""
    rng = random.Random(SEED)
    builder = Builder(session, rng, today)
    builder.teams_and_staff()
    profiles = _profiles(rng, today)
    case_numbers = rng.sample(range(100, 10000), len(profiles))
    for profile, case_no in zip(profiles, case_numbers, strict=True):
        builder.citizen(profile, case_no)
    builder.corrections()
    session.flush()
    return _summary(session, min(p.start for p in profiles), today)


def _count(session: Session, model: Any, *joins: Any) -> int:
    query = select(func.count()).select_from(model)
    for target in joins:
        query = query.join(target)
    return session.scalar(query.where(Citizen.is_demo.is_(True))) or 0


def _summary(session: Session, first: date, today: date) -> str:
    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    teams = list(session.scalars(select(Team).where(Team.is_demo.is_(True)).order_by(Team.id)))
    per_team: dict[int, int] = {team_id: count for team_id, count in session.execute(
        select(Citizen.team_id, func.count()).where(Citizen.is_demo.is_(True))
        .group_by(Citizen.team_id))}
    users = session.scalar(select(func.count()).select_from(User)
                           .where(User.is_demo.is_(True))) or 0
    active_plans = session.scalar(
        select(func.count()).select_from(Plan).join(Citizen)
        .where(Citizen.is_demo.is_(True), Plan.status == "active")) or 0
    by_instrument: dict[str, int] = {instrument: count for instrument, count in session.execute(
        select(Scoring.instrument, func.count()).join(Citizen, Scoring.citizen_id == Citizen.id)
        .where(Citizen.is_demo.is_(True)).group_by(Scoring.instrument))}
    team_part = " og ".join(f"{n(per_team.get(t.id, 0))} i {t.name}" for t in teams)
    scorings = ", ".join(f"{n(by_instrument.get(i, 0))} {i}" for i in ("FKO", "ORS", "SRS"))
    return (
        f"Demodata er indlæst: {len(teams)} teams, {n(users)} logins, "
        f"{n(_count(session, Citizen))} borgere ({team_part}), "
        f"{n(_count(session, Plan, Citizen))} planer ({n(active_plans)} aktive), "
        f"{n(_count(session, Goal, Citizen))} indsatsmål med "
        f"{n(_count(session, SubGoal, Goal, Citizen))} delmål og "
        f"{n(_count(session, SubGoalNote, SubGoal, Goal, Citizen))} notater samt "
        f"{n(sum(by_instrument.values()))} scoringer ({scorings} og "
        f"{n(by_instrument.get('REM', 0))} REM). Historikken går fra {dk_date(first, 'd. MMMM y')} "
        f"til {dk_date(today, 'd. MMMM y')}."
    )
