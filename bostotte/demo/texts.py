"""The demo's Danish wording: names, goals and delmål in the citizen's own words, and the
everyday notes, close reasons and comments the builder draws from."""

from __future__ import annotations

from typing import NamedTuple

# --- Names -------------------------------------------------------------------------------

FIRST_NAMES = {
    ("k", True): (
        "Emma",
        "Freja",
        "Sofie",
        "Ida",
        "Julie",
        "Laura",
        "Cecilie",
        "Nanna",
        "Maja",
        "Sarah",
        "Amalie",
        "Signe",
        "Mathilde",
        "Josefine",
        "Fatima",
        "Line",
    ),
    ("k", False): (
        "Anne",
        "Mette",
        "Susanne",
        "Lene",
        "Pia",
        "Karina",
        "Tina",
        "Helle",
        "Inger",
        "Kirsten",
        "Lone",
        "Gitte",
        "Jytte",
        "Bente",
        "Marianne",
        "Dorthe",
    ),
    ("m", True): (
        "Mikkel",
        "Rasmus",
        "Kasper",
        "Frederik",
        "Mads",
        "Emil",
        "Oliver",
        "Tobias",
        "Mathias",
        "Nikolaj",
        "Sebastian",
        "Ali",
        "Magnus",
        "Christian",
        "Patrick",
    ),
    ("m", False): (
        "Lars",
        "Jens",
        "Peter",
        "Michael",
        "Søren",
        "Henrik",
        "Thomas",
        "Jesper",
        "Niels",
        "Ole",
        "Jørgen",
        "Bent",
        "Poul",
        "Erik",
        "Flemming",
        "Kenneth",
    ),
    ("a", True): ("Alex", "Robin", "Noa", "Sam"),
    ("a", False): ("Kim", "Robin", "Alex"),
}
SURNAMES = (
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Holm",
    "Lund",
    "Dam",
    "Bach",
    "Frederiksen",
    "Laursen",
    "Østergaard",
    "Vestergaard",
    "Iversen",
    "Svendsen",
    "Bertelsen",
    "Nørgaard",
    "Ahmed",
    "Yilmaz",
    "Nguyen",
    "Hussein",
)
# --- Goals and delmål (in the citizen's own words) ---------------------------------------


class SubGoalText(NamedTuple):
    """A delmål a goal text suggests."""

    title: str
    method: str  # a key of SUBGOAL_METHODS
    approach: str  # fremgangsmåde


class GoalText(NamedTuple):
    theme: str
    specific: str
    measurable: str
    realistic: str
    subgoals: tuple[SubGoalText, ...]


GOAL_TEXTS = (
    # Mestring af eget liv
    GoalText(
        "mestring",
        "Jeg vil selv kunne betale mine regninger, så jeg ikke får flere rykkere.",
        "Vi kan se det, når alle faste regninger er betalt til tiden tre måneder i træk.",
        "Jeg har netbank og vil gerne lære det. Jeg sover dårligt, når der kommer rykkere.",
        (
            SubGoalText(
                "Lave et budget for en måned",
                "praktisk",
                "Vi tager kontoudtoget frem og skriver de faste udgifter ind i et enkelt skema.",
            ),
            SubGoalText(
                "Tilmelde faste regninger til Betalingsservice",
                "praktisk",
                "Vi går regningerne igennem én for én og tilmelder dem sammen i netbanken.",
            ),
            SubGoalText(
                "Tjekke e-Boks hver mandag",
                "neuro",
                "Påmindelse på telefonen mandag kl. 10. De første fire uger tjekker vi sammen.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil stå op før kl. 9 på hverdage, så jeg får noget ud af dagen.",
        "Vi kan se det, når jeg står op før kl. 9 mindst fire ud af fem hverdage i en måned.",
        "Når jeg kommer op, har jeg mere overskud og sover bedre om natten.",
        (
            SubGoalText(
                "Gå i seng senest kl. 23.30",
                "neuro",
                "Fast aftenrutine med skærmen slukket kl. 23. Vi laver et billedskema "
                "til "
                "køleskabet.",
            ),
            SubGoalText(
                "Have en aftale hver formiddag",
                "recovery",
                "Vi planlægger ugen sammen om mandagen, så der er noget at stå op til.",
            ),
            SubGoalText(
                "Føre søvndagbog i fire uger",
                "MI",
                "Borgeren skriver sengetid og opvågning ned; vi ser på mønstrene sammen.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil selv lave en madplan og handle ind til en uge ad gangen.",
        "Vi kan se det, når jeg har handlet efter min madplan tre uger i træk.",
        "Jeg bruger for mange penge på takeaway og vil gerne spise billigere og sundere.",
        (
            SubGoalText(
                "Skrive madplan om søndagen",
                "praktisk",
                "Vi bruger en fast skabelon med fem retter, borgeren kan lide.",
            ),
            SubGoalText(
                "Handle ind efter indkøbsliste",
                "praktisk",
                "Første gang handler vi sammen; derefter handler borgeren selv og tager "
                "et "
                "billede af bonen.",
            ),
            SubGoalText(
                "Lave mad fra bunden to gange om ugen",
                "praktisk",
                "Vi laver retterne sammen første gang og skriver opskriften i en mappe.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil selv åbne og forstå min post fra kommunen og Udbetaling Danmark.",
        "Vi kan se det, når jeg selv har åbnet og besvaret brevene i tre måneder og kun "
        "ringer, når jeg er i tvivl.",
        "Breve gør mig utryg, og jeg vil ikke være afhængig af andre for at forstå dem.",
        (
            SubGoalText(
                "Åbne e-Boks sammen én gang om ugen",
                "praktisk",
                "Fast tid torsdag. Borgeren læser op, og vi taler om, hvad brevet betyder.",
            ),
            SubGoalText(
                "Lave en mappe til vigtige papirer",
                "neuro",
                "Mappe med faneblade: bolig, økonomi, sundhed, kommune.",
            ),
            SubGoalText(
                "Øve at ringe til Borgerservice",
                "MI",
                "Vi skriver spørgsmålene ned på forhånd; borgeren ringer, og vejlederen "
                "sidder ved siden af.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil holde min lejlighed ryddelig, så jeg har lyst til at få gæster.",
        "Vi kan se det, når køkken og stue er ryddet ved vores besøg hver uge i to måneder.",
        "Rodet stresser mig, og jeg skammer mig over at invitere folk hjem.",
        (
            SubGoalText(
                "Lave en ugeplan for rengøring",
                "neuro",
                "Én opgave om dagen, skrevet på en tavle i gangen.",
            ),
            SubGoalText(
                "Tage opvasken hver aften",
                "praktisk",
                "Opvasken tages lige efter aftensmaden; vi følger op ved hvert besøg.",
            ),
            SubGoalText(
                "Rydde op i ét rum ad gangen",
                "praktisk",
                "Vi starter med soveværelset og bruger 30 minutter ad gangen.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil kunne tage bussen alene til byen og hjem igen.",
        "Vi kan se det, når jeg har taget bussen alene til byen og hjem fire gange.",
        "Jeg vil selv kunne komme til lægen og handle uden at vente på andre.",
        (
            SubGoalText(
                "Køre turen sammen med vejlederen",
                "praktisk",
                "Vi tager turen sammen to gange og aftaler faste holdepunkter undervejs.",
            ),
            SubGoalText(
                "Bruge Rejseplanen på telefonen",
                "praktisk",
                "Vi installerer appen og øver at finde afgange hjemmefra.",
            ),
            SubGoalText(
                "Køre alene med vejlederen på telefonen",
                "recovery",
                "Borgeren ringer, når bussen kører, og igen ved stoppestedet.",
            ),
        ),
    ),
    GoalText(
        "mestring",
        "Jeg vil kunne mærke, når jeg bliver urolig, og gøre noget ved det, før det bliver "
        "en krise.",
        "Vi kan se det, når jeg har brugt min kriseplan, de gange jeg blev urolig, og ikke "
        "har været akut indlagt i et halvt år.",
        "Jeg kender mine tegn nu og vil gerne have mere kontrol over mit liv.",
        (
            SubGoalText(
                "Lave en kriseplan sammen",
                "recovery",
                "Vi skriver tegn, hvad der hjælper, og hvem der kan ringes til, på ét ark.",
            ),
            SubGoalText(
                "Øve vejrtrækningsøvelser dagligt",
                "andet",
                "Fem minutter om morgenen med en app; vi øver sammen ved besøgene.",
            ),
            SubGoalText(
                "Fortælle én i netværket om kriseplanen",
                "recovery",
                "Borgeren vælger selv hvem; vejlederen kan være med, hvis det ønskes.",
            ),
        ),
    ),
    # Uddannelse og beskæftigelse
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil gerne i praktik i en butik inden sommer.",
        "Vi kan se det, når jeg har en praktikaftale og er mødt op de aftalte dage i fire uger.",
        "Jeg har været i butik før og trives med at have noget at stå op til.",
        (
            SubGoalText(
                "Forberede samtalen med jobkonsulenten",
                "MI",
                "Vi taler om, hvad borgeren er god til, og skriver tre punkter ned.",
            ),
            SubGoalText(
                "Skrive et kort CV", "praktisk", "Én side; vi bruger skabelonen fra jobcentret."
            ),
            SubGoalText(
                "Øve turen til praktikstedet",
                "praktisk",
                "Vi tager turen sammen en dag før første praktikdag.",
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil tage 9.-klasseprøven i dansk på VUC.",
        "Vi kan se det, når jeg er tilmeldt og har været til mindst 80 % af undervisningen.",
        "Jeg har altid haft svært ved skolen, men vil gerne have papir på, at jeg kan.",
        (
            SubGoalText(
                "Tilmelde mig VUC", "praktisk", "Vi udfylder tilmeldingen sammen på vuc.dk."
            ),
            SubGoalText(
                "Lave en lektieplan",
                "neuro",
                "Faste lektietider tirsdag og torsdag med pauser hvert 20. minut.",
            ),
            SubGoalText(
                "Tale med læsevejlederen om hjælpemidler",
                "ICM",
                "Vejlederen hjælper med at bestille tid og tager med første gang.",
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil i gang med frivilligt arbejde et par timer om ugen.",
        "Vi kan se det, når jeg har været frivillig mindst to timer om ugen i to måneder.",
        "Det er et første skridt mod arbejde, og jeg vil gerne gøre noget for andre.",
        (
            SubGoalText(
                "Finde tre steder, der søger frivillige",
                "recovery",
                "Vi kigger på frivilligjob.dk og i Frivilligcentrets blad sammen.",
            ),
            SubGoalText(
                "Besøge et af stederne",
                "praktisk",
                "Vejlederen går med første gang og venter udenfor, hvis borgeren ønsker det.",
            ),
            SubGoalText(
                "Møde op fast hver tirsdag",
                "recovery",
                "Vi taler om, hvordan det gik, ved besøget om onsdagen.",
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil møde stabilt i mit fleksjob, så jeg kan beholde det.",
        "Vi kan se det, når jeg ikke har haft fravær, der ikke var aftalt, i tre måneder.",
        "Jobbet betyder meget for mig og for min økonomi.",
        (
            SubGoalText(
                "Pakke tasken aftenen før",
                "neuro",
                "Tjekliste på døren: nøgler, madpakke, medicin, buskort.",
            ),
            SubGoalText(
                "Sige til i god tid, når jeg har brug for fri",
                "MI",
                "Vi øver, hvad borgeren kan sige til sin leder.",
            ),
            SubGoalText(
                "Månedlig snak med min leder", "ICM", "Vejlederen deltager de første to gange."
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil finde ud af, hvad jeg kan arbejde med trods mine smerter.",
        "Vi kan se det, når jeg har haft en afklarende samtale på jobcentret og har en "
        "plan med to konkrete muligheder.",
        "Jeg vil gerne bidrage, men jeg skal kende mine grænser.",
        (
            SubGoalText(
                "Forberede mødet på jobcentret",
                "ICM",
                "Vi samler lægepapirer og skriver spørgsmål ned.",
            ),
            SubGoalText(
                "Skrive ned, hvad jeg kan og ikke kan",
                "MI",
                "Borgeren fører en dagbog over en uge om, hvad der gav smerter.",
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil gennemføre grundforløbet på erhvervsskolen.",
        "Vi kan se det, når jeg har bestået grundforløbet.",
        "Jeg vil være tømrer, og grundforløbet er vejen ind.",
        (
            SubGoalText(
                "Møde til tiden hver dag",
                "neuro",
                "Vækkeur på den anden side af værelset og fast morgenrutine.",
            ),
            SubGoalText(
                "Lektiehjælp om onsdagen",
                "praktisk",
                "Vi sidder sammen en time med de opgaver, der skal afleveres.",
            ),
            SubGoalText(
                "Månedlig snak med kontaktlæreren",
                "CTI",
                "Vejlederen koordinerer med skolen, så støtten hænger sammen.",
            ),
        ),
    ),
    GoalText(
        "uddannelse_beskaeftigelse",
        "Jeg vil komme til alle mine møder på jobcentret, så min ydelse ikke bliver trukket.",
        "Vi kan se det, når jeg har mødt op til alle møder i et halvt år.",
        "Jeg har fået sanktioner før og vil ikke have pengeproblemer igen.",
        (
            SubGoalText(
                "Skrive møderne i kalenderen på telefonen",
                "praktisk",
                "Vi lægger alle breve med mødetider ind sammen, når de kommer.",
            ),
            SubGoalText(
                "Melde afbud, hvis jeg er syg",
                "MI",
                "Vi skriver en lille tekst, borgeren kan sende eller læse op.",
            ),
        ),
    ),
    # Sundhed
    GoalText(
        "sundhed",
        "Jeg vil tage min medicin fast, så jeg ikke glemmer den.",
        "Vi kan se det, når doseringsæsken er tømt til tiden hver uge i to måneder.",
        "Jeg har det bedre, når jeg tager medicinen, og vil undgå at blive indlagt.",
        (
            SubGoalText(
                "Få doseringsæske fra apoteket",
                "praktisk",
                "Vi aftaler ophældning med apoteket og henter den første sammen.",
            ),
            SubGoalText(
                "Alarm på telefonen morgen og aften",
                "neuro",
                "To faste alarmer med tekst: 'Medicin – husk vand'.",
            ),
            SubGoalText(
                "Tale med egen læge om bivirkninger",
                "ICM",
                "Vejlederen hjælper med at skrive bivirkningerne ned før lægebesøget.",
            ),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil gå en tur på mindst 20 minutter tre gange om ugen.",
        "Vi kan se det, når skridttælleren viser mindst tre ture om ugen i seks uger.",
        "Lægen siger, det er godt for mit humør og mit blodsukker.",
        (
            SubGoalText(
                "Finde en fast rute",
                "praktisk",
                "Vi går ruten sammen første gang – rundt om søen, ca. 2 km.",
            ),
            SubGoalText(
                "Gå sammen med vejlederen om mandagen",
                "recovery",
                "Besøget om mandagen bliver en gåtur i stedet for en snak i stuen.",
            ),
            SubGoalText(
                "Gå med i gågruppen i aktivitetshuset",
                "recovery",
                "Vejlederen præsenterer borgeren for tovholderen.",
            ),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil drikke mindre, så jeg kun drikker i weekenden.",
        "Vi kan se det, når min drikkedagbog viser, at jeg har holdt mig til weekenden i "
        "to måneder.",
        "Jeg vil have mere overskud og have min søn på besøg igen.",
        (
            SubGoalText(
                "Føre drikkedagbog",
                "MI",
                "Borgeren skriver ned hver dag; vi ser på den sammen uden at dømme.",
            ),
            SubGoalText(
                "Tage kontakt til alkoholbehandlingen",
                "ICM",
                "Vejlederen hjælper med første opkald og tager med til samtalen.",
            ),
            SubGoalText(
                "Finde noget andet at lave om aftenen",
                "recovery",
                "Vi laver en liste over ting, borgeren kan lide, og prøver én om ugen.",
            ),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil komme til tandlægen, selv om jeg er bange for det.",
        "Vi kan se det, når jeg har været til undersøgelse og har en behandlingsplan.",
        "Tænderne gør ondt, og jeg holder mig for munden, når jeg griner.",
        (
            SubGoalText("Bestille tid", "praktisk", "Vi ringer sammen fra borgerens telefon."),
            SubGoalText(
                "Vejlederen går med første gang",
                "praktisk",
                "Vejlederen sidder i venteværelset; vi aftaler et tegn, hvis det bliver for meget.",
            ),
            SubGoalText(
                "Fortælle tandlægen om angsten",
                "MI",
                "Vi øver, hvad borgeren vil sige, og skriver det på en seddel.",
            ),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil sove bedre, så jeg ikke er træt hele dagen.",
        "Vi kan se det, når søvndagbogen viser mindst seks timers søvn de fleste nætter "
        "i en måned.",
        "Når jeg sover, kan jeg overskue mere, og angsten fylder mindre.",
        (
            SubGoalText(
                "Ingen kaffe efter kl. 15",
                "MI",
                "Borgeren prøver det i to uger, og vi taler om, hvad det gør.",
            ),
            SubGoalText(
                "Føre søvndagbog",
                "neuro",
                "Et enkelt skema ved sengen: sengetid, opvågning og hvordan natten var.",
            ),
            SubGoalText("Tale med lægen om søvnen", "ICM", "Vi tager søvndagbogen med til lægen."),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil spise et varmt måltid hver dag.",
        "Vi kan se det, når madplanen viser et varmt måltid mindst seks dage om ugen i en måned.",
        "Jeg har tabt mig meget og bliver svimmel, når jeg ikke spiser.",
        (
            SubGoalText(
                "Have nemme retter i fryseren",
                "praktisk",
                "Vi laver dobbeltportioner sammen og fryser ned.",
            ),
            SubGoalText(
                "Spise i fælleshuset om torsdagen",
                "recovery",
                "Vejlederen går med de første to gange.",
            ),
        ),
    ),
    GoalText(
        "sundhed",
        "Jeg vil holde op med at ryge hash på hverdage.",
        "Vi kan se det, når jeg har været hashfri på hverdage i tre måneder.",
        "Jeg vil kunne passe min uddannelse og have styr på pengene.",
        (
            SubGoalText(
                "Tale med rusmiddelcentret",
                "ICM",
                "Vejlederen hjælper med at booke en samtale og tager med.",
            ),
            SubGoalText(
                "Finde ud af, hvornår trangen kommer",
                "MI",
                "Borgeren noterer situationer med trang i en uge.",
            ),
            SubGoalText(
                "Slette kontakter, der sælger",
                "recovery",
                "Borgeren bestemmer selv tempoet; vi taler om, hvad der er svært.",
            ),
        ),
    ),
    # Socialt liv
    GoalText(
        "socialt_liv",
        "Jeg vil se min søster mindst én gang om måneden.",
        "Vi kan se det, når jeg har besøgt eller haft besøg af min søster hver måned i et "
        "halvt år.",
        "Min søster betyder meget for mig, og vi har ikke set hinanden i to år.",
        (
            SubGoalText(
                "Skrive en sms til min søster",
                "MI",
                "Vi skriver beskeden sammen, men borgeren sender den selv.",
            ),
            SubGoalText(
                "Planlægge første besøg",
                "praktisk",
                "Vi finder togtider og aftaler, hvad borgeren vil have med.",
            ),
        ),
    ),
    GoalText(
        "socialt_liv",
        "Jeg vil være med i et fællesskab, hvor jeg møder andre.",
        "Vi kan se det, når jeg har deltaget i den samme aktivitet mindst hver anden uge "
        "i tre måneder.",
        "Jeg sidder meget alene og savner at grine med nogen.",
        (
            SubGoalText(
                "Finde en aktivitet i Frivilligcentret",
                "recovery",
                "Vi kigger på programmet sammen; borgeren vælger to, der lyder rare.",
            ),
            SubGoalText(
                "Gå med første gang",
                "praktisk",
                "Vejlederen går med og trækker sig, når borgeren er faldet til.",
            ),
            SubGoalText(
                "Tale om, hvordan det gik", "MI", "Efter hver gang: hvad var godt, hvad var svært?"
            ),
        ),
    ),
    GoalText(
        "socialt_liv",
        "Jeg vil have bedre kontakt til mine børn.",
        "Vi kan se det, når mine samvær hver anden weekend bliver til noget i tre måneder.",
        "Jeg vil være en forælder, mine børn kan regne med.",
        (
            SubGoalText(
                "Forberede samvær om fredagen",
                "praktisk",
                "Vi handler ind og planlægger én aktivitet til weekenden.",
            ),
            SubGoalText(
                "Møde med familieafdelingen",
                "ICM",
                "Vejlederen deltager og hjælper med at holde fokus på borgerens ønsker.",
            ),
            SubGoalText(
                "Skrive til børnene mellem samværene", "recovery", "En kort besked om onsdagen."
            ),
        ),
    ),
    GoalText(
        "socialt_liv",
        "Jeg vil kunne sige nej, når mine venner vil låne penge.",
        "Vi kan se det, når jeg ikke har lånt penge ud i tre måneder og selv har sagt nej.",
        "Jeg løber tør for penge før månedens udgang, og det går ud over min mad.",
        (
            SubGoalText("Øve at sige nej", "MI", "Vi rollespiller de situationer, der er svære."),
            SubGoalText(
                "Lave en aftale med banken om en opsparingskonto",
                "praktisk",
                "Penge til husleje og mad flyttes automatisk den første.",
            ),
        ),
    ),
    GoalText(
        "socialt_liv",
        "Jeg vil lære at bruge Messenger, så jeg kan skrive med min familie.",
        "Vi kan se det, når jeg selv skriver med min familie hver uge.",
        "Mine børnebørn skriver på Messenger, og jeg vil gerne være med.",
        (
            SubGoalText(
                "Installere Messenger og lave en profil",
                "praktisk",
                "Vi gør det sammen på borgerens egen telefon.",
            ),
            SubGoalText(
                "Sende en besked hver søndag",
                "recovery",
                "Borgeren sender et billede eller en hilsen; vi ser på svarene sammen.",
            ),
        ),
    ),
    GoalText(
        "socialt_liv",
        "Jeg vil begynde at spille fodbold igen i den lokale klub.",
        "Vi kan se det, når jeg har været til træning mindst to gange om måneden i et halvt år.",
        "Fodbold var det, jeg var glad for, før jeg blev syg.",
        (
            SubGoalText(
                "Kontakte klubbens træner",
                "praktisk",
                "Vi finder kontaktoplysninger, og borgeren ringer.",
            ),
            SubGoalText(
                "Tage med til første træning",
                "recovery",
                "Vejlederen kører med og venter i klubhuset.",
            ),
            SubGoalText(
                "Finde en makker at følges med",
                "recovery",
                "Vi spørger træneren, om der er nogen fra området.",
            ),
        ),
    ),
)

# --- Everyday notes ------------------------------------------------------------------------

PLAN_NOTES = {
    "§85": "Handleplan efter § 141. Mål aftalt på opstartsmødet med borger og myndighed.",
    "§82b": "Tidsafgrænset forløb efter § 82 b uden visitation: op til 10 samtaler på 6 måneder.",
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
    "achieved": (
        "Målet er nået, og borgeren klarer det nu selv.",
        "Nået. Borgeren har fastholdt det i flere måneder.",
    ),
    "partly_achieved": (
        "Delvist nået. Borgeren har gjort store fremskridt, men har stadig brug for lidt støtte.",
        "Delvist nået; arbejdet fortsætter i en anden form i den nye plan.",
    ),
    "abandoned": (
        "Borgeren ønskede at fokusere på andre mål.",
        "Ikke realistisk lige nu på grund af sygdom.",
        "Forudsætningen faldt bort, da praktikstedet lukkede.",
        "Borgeren og myndighed aftalte at prioritere boligen først.",
    ),
}
FKO_NOTES = {
    "better": (
        "Mindre støtte end sidst – klarer flere opgaver selv.",
        "Tydelig fremgang; har selv taget initiativ flere gange.",
        "Har nu mest brug for påmindelser.",
    ),
    "same": (
        "Uændret støttebehov. Arbejder stadig med de samme delmål.",
        "Stabilt – fastholder det, der er opnået.",
        "Stadig brug for støtte hver uge, men ingen tilbagegang.",
    ),
    "worse": (
        "Øget støttebehov efter en svær periode.",
        "Tilbagefald; vi har aftalt hyppigere besøg.",
        "Mere uro i perioden – brug for tættere støtte.",
    ),
}
FKO_FINAL_NOTE = "Afsluttende status ved planens udløb, gennemgået med borgeren."
CITIZEN_COMMENTS = (
    "Det har været en god uge.",
    "Svært med søvnen for tiden.",
    "Jeg er glad for, at vi tog ud at gå.",
    "Meget at se til med kommunen lige nu.",
    "Min søster har været på besøg!",
)
REM_NOTES = (
    "Første REM-scoring, lavet sammen med borgeren på hjemmebesøg.",
    "Årlig opfølgning. Vi gik de ni områder igennem sammen.",
)
DECLINED_NOTE = (
    "Borgeren ønskede ikke at udfylde skemaet i dag. Udkast ud fra samtalen; "
    "vi ser på det sammen næste gang."
)
DISAGREED = {
    "ORS": (
        "Borgeren vurderer sig selv højere, end jeg gør ud fra samtalen. Vi taler om "
        "forskellen næste gang.",
        "Jeg synes selv, det går bedre, end du skriver.",
    ),
    "REM": (
        "Vi er uenige om økonomi og struktur. Borgerens egen vurdering er gemt ved siden af.",
        "Jeg har faktisk styr på de fleste ting nu.",
    ),
}
