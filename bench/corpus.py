"""A synthetic Danish referat corpus for benchmarks, deterministic for a seed.

    python -m bench.corpus --out DIR --meetings N --seed S   # N referat text files, all layouts mixed
    python -m bench.corpus --rows N --seed S                  # N agenda items straight into the database

Text is built from the sentences of the seed referater and format examples, so
the vocabulary, inflections and compounds are real Danish municipal language.
98 municipalities with a skewed (Zipf) size distribution, their committees,
dates 2010–2026, 8–16 items per meeting, closed items, decisions, organisations,
amounts and promised follow-ups. Nothing generated is committed.
"""

import argparse
import datetime
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "fixtures" / "referater").glob("*.txt")),
           *sorted((ROOT / "tests" / "data" / "importer").glob("*/in.txt"))]

COMMITTEES = [
    "Økonomiudvalget", "Byrådet", "Beskæftigelsesudvalget", "Social- og Sundhedsudvalget",
    "Børne- og Ungeudvalget", "Teknik- og Miljøudvalget", "Kultur- og Fritidsudvalget",
    "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", "Udvalget for Voksne og Handicap", "Plan- og Boligudvalget",
]
TOPICS = [
    "beskæftigelsesindsatsen", "fleksjob", "kontanthjælpsmodtagere", "integrationsindsatsen", "sygedagpenge",
    "virksomhedspraktik", "socialøkonomiske virksomheder", "unge uden uddannelse", "lønnede timer",
    "ressourceforløb", "jobafklaringsforløb", "handicapområdet", "psykisk sårbare borgere", "ledighedsydelse",
    "førtidspension", "skånejob", "mentorordningen", "virksomhedsservice", "arbejdskraft", "ungeindsatsen",
    "beskyttet beskæftigelse", "sociale investeringer", "Arne-pensionen", "nyttejob", "budgetforliget",
    "erhvervsstrategien", "digitaliseringsstrategien", "sygefraværet", "opkvalificering af ufaglærte",
    "den virksomhedsrettede indsats", "kommunens erhvervsservice", "boligsociale indsatser",
]
TITLES = [
    "Godkendelse af dagsorden", "Orientering om {topic}", "Samarbejde med {org}", "Budgetopfølgning {year}",
    "Evaluering af {topic}", "Beslutning om {topic}", "Aftale med {org} om {topic}", "Status på {topic}",
    "Ny model for {topic}", "Temadrøftelse om {topic}", "Ansøgning fra {org}", "Gensidig orientering",
    "Handleplan for {topic}", "Kvalitetsrapport om {topic}", "Godkendelse af referat",
]
DECISIONS = {
    "approved": ["Godkendt.", "At 1: Godkendt.", "Indstillingen blev godkendt.", "Udvalget følger indstillingen."],
    "recommended": ["Anbefales.", "Anbefales godkendt.", "Indstillingen anbefales over for Byrådet."],
    "noted": ["Taget til efterretning.", "At 1: Taget til orientering.",
              "Udvalget tager orienteringen til efterretning."],
    "discussed": ["Drøftet.", "Udvalget drøftede sagen."],
    "rejected": ["Afvist.", "Indstillingen blev ikke godkendt."],
    "postponed": ["Udsat.", "Udvalget udsætter sagen til næste møde."],
    "other": ["Udvalget ønsker en ny sag om emnet på et senere møde.", "Sagen sendes tilbage til forvaltningen."],
}
OUTCOME_WEIGHTS = [("approved", 40), ("noted", 30), ("recommended", 12), ("discussed", 6), ("other", 6),
                   ("postponed", 3), ("rejected", 3)]
SECTIONS = ["Sagsresumé", "Sagens indhold", "Økonomi", "Vurdering", "Retligt grundlag", "Sagens videre forløb"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
SEASONS = ["foråret", "sommeren", "efteråret"]
FIRST_NAMES = ["Anne", "Bent", "Camilla", "Dorte", "Erik", "Hans", "Jens", "Karen", "Lise", "Mette", "Ole", "Peter"]
LAST_NAMES = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Kirk", "Dam", "Bonde", "Holm", "Skov", "Vang"]
PARTIES = ["A", "V", "C", "F", "O", "B", "Ø", "I"]


def load_sentences() -> list[str]:
    """Body sentences of the real documents: 40–300 characters, no headings, no municipality names."""
    sentences = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", line.strip()):
                sentence = sentence.strip(" •-–")
                if 40 <= len(sentence) <= 300 and sentence.endswith(".") and "Kommune" not in sentence:
                    sentences.add(sentence)
    return sorted(sentences)


def load_registry() -> list[tuple[str, list[str]]]:
    rows = json.loads((ROOT / "fixtures" / "organisations.json").read_text(encoding="utf-8"))
    return [(r["fields"]["name"], r["fields"]["aliases"]) for r in rows]


def load_municipalities() -> list[dict]:
    rows = json.loads((ROOT / "fixtures" / "municipalities.json").read_text(encoding="utf-8"))
    return [{"code": r["pk"], **r["fields"]} for r in rows]


@dataclass
class Item:
    number: str
    title: str
    item_type: str
    case_number: str
    closed: bool
    sections: list[tuple[str, str]]
    decisions: list[tuple[str, str, str]] = field(default_factory=list)  # (body, text, outcome)
    organisations: list[str] = field(default_factory=list)


@dataclass
class Meeting:
    municipality: dict
    committee: str
    date: datetime.date
    location: str
    absent: list[str]
    items: list[Item]


class Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.sentences = load_sentences()
        self.registry = load_registry()
        municipalities = load_municipalities()
        self.random.shuffle(municipalities)
        self.municipalities = municipalities
        # Zipf: the largest municipality holds many times the meetings of the smallest
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(municipalities))]
        self.used_dates: dict[tuple[int, str], set] = {}

    def person(self) -> str:
        r = self.random
        return f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)} ({r.choice(PARTIES)})"

    def paragraph(self, count: int, municipality: dict, organisations: list[str]) -> str:
        r = self.random
        sentences = [r.choice(self.sentences) for _ in range(count)]
        if organisations and r.random() < 0.8:
            name, aliases = next((n, a) for n, a in self.registry if n == organisations[0])
            written = r.choice([name, *aliases]) if aliases and r.random() < 0.3 else name
            sentences.insert(r.randrange(len(sentences) + 1),
                             f"{municipality['official_name']} samarbejder med {written} om indsatsen.")
        return " ".join(sentences)

    def meeting(self) -> Meeting:
        r = self.random
        municipality = r.choices(self.municipalities, self.weights)[0]
        committee = r.choice(COMMITTEES)
        used = self.used_dates.setdefault((municipality["code"], committee), set())
        while True:
            date = datetime.date(2010, 1, 1) + datetime.timedelta(days=r.randrange(17 * 365))
            if date not in used:
                used.add(date)
                break
        items = []
        first_number = r.choice([1, 1, 1, r.randrange(20, 300)])
        for n in range(r.randint(8, 16)):
            items.append(self.item(str(first_number + n), municipality, committee, date, n))
        absent = [self.person()] if r.random() < 0.4 else []
        return Meeting(municipality, committee, date, r.choice(["Rådhuset, mødelokale 1", "Byrådssalen",
                                                                "Jobcentret, lokale 2.14"]), absent, items)

    def item(self, number, municipality, committee, date, position) -> Item:
        r = self.random
        organisations = [r.choice(self.registry)[0]] if r.random() < 0.35 else []
        topic = r.choice(TOPICS)
        title = r.choice(TITLES).format(topic=topic, org=organisations[0] if organisations else "KL",
                                        year=date.year) if position else "Godkendelse af dagsorden"
        closed = position > 2 and r.random() < 0.05
        sections = [("Indstilling", f"Forvaltningen indstiller, at udvalget godkender indstillingen om {topic}.")]
        for heading in r.sample(SECTIONS, r.randint(1, 3)):
            text = self.paragraph(r.randint(2, 6), municipality, organisations)
            if heading == "Økonomi" or r.random() < 0.2:
                text += f" Udgiften er {r.randint(1, 999)}.{r.randint(0, 999):03d} kr. om året."
            if heading == "Sagens videre forløb" and r.random() < 0.5:
                text += (f" Udvalget ser frem til at modtage en status i {r.choice(SEASONS)} "
                         f"{date.year + 1}.")
            sections.append((heading, text))
        outcome = r.choices([o for o, _ in OUTCOME_WEIGHTS], [w for _, w in OUTCOME_WEIGHTS])[0]
        decisions = [(committee, r.choice(DECISIONS[outcome]), outcome)]
        if outcome == "recommended" and r.random() < 0.5:
            decisions.append(("Byrådet", "Godkendt.", "approved"))
        return Item(number, title, r.choice("BOD"), f"{date.year % 100:02d}-{r.randrange(10**6):06d}", closed,
                    sections, decisions, organisations)


# --- Rendering in the layouts the importer reads ---------------------------------------------------
def _danish(date: datetime.date) -> str:
    return f"{date.day}. {MONTHS[date.month - 1]} {date.year}"


def _numeric(date: datetime.date) -> str:
    return date.strftime("%d-%m-%Y")


def _decision_lines(item: Item, heading) -> list[str]:
    lines = []
    for body, text, _ in item.decisions:
        lines += [heading(body), "", text, ""]
    return lines


def render_prepare(m: Meeting) -> str:
    lines = [f"{m.committee} – Referat – {_danish(m.date)}", "", ""]
    for item in m.items:
        lines += [f"{item.number}. {item.title} ({item.item_type})" + (" (Lukket)" if item.closed else ""), ""]
        if item.closed:
            continue
        lines += [f"Sagsnr.: {item.case_number}", "", "Åbent", ""]
        for heading, text in item.sections:
            lines += [heading, "", text, ""]
        lines += _decision_lines(item, lambda body: f"Beslutning i {body} den {_danish(m.date)}")
        if m.absent:
            lines += [f"Fraværende: {', '.join(m.absent)}", ""]
    return "\n".join(lines)


def render_os2web(m: Meeting) -> str:
    lines = [f"{m.committee} - {_numeric(m.date)}", "", "Referat", "Dato:", f"{_danish(m.date)} - 16:00", ""]
    for item in m.items:
        lines += [f"Punkt {item.number} {item.title}" + (" (Lukket)" if item.closed else ""), ""]
        if item.closed:
            continue
        for heading, text in item.sections:
            lines += [f"{heading}:" if heading == "Sagens indhold" else heading, "", text, "", " "]
        lines += _decision_lines(item, lambda body: f"Beslutning i {body} den {_numeric(m.date)}")
    return "\n".join(lines)


def render_viborg(m: Meeting) -> str:
    lines = ["Referat", "", f"tirsdag den {_danish(m.date)} kl. 08:30", "", f"Mødested {m.location}",
             f"Udvalg {m.committee}", f"Fraværende {', '.join(m.absent) or 'Ingen'}", ""]
    for item in m.items:
        lines += [f"{item.number}. {item.title}" + (" (lukket)" if item.closed else "")]
        if item.closed:
            lines.append("")
            continue
        lines += [f"Sagsid.: {item.case_number}"]
        for heading, text in item.sections:
            lines += [heading, text]
        lines += _decision_lines(item, lambda body: f"Beslutning i {body} den {_numeric(m.date)}")
    return "\n".join(lines)


def render_edoc(m: Meeting) -> str:
    lines = ["UDVALG", "", m.committee, "", "MØDE", "", "Referat", "", "STED", "", m.location, "",
             "STARTTIDSPUNKT", "", f"{_numeric(m.date)} 15:00:00", "", "", "PUNKTER", ""]
    for item in m.items:
        lines.append(f"{item.number}. " + (f"Lukket punkt: {item.title}" if item.closed else item.title))
    lines += ["", ""]
    types = {"B": "Beslutningssag", "O": "Orienteringssag", "D": "Drøftelsessag"}
    for item in m.items:
        title = f"Lukket punkt: {item.title}" if item.closed else item.title
        lines += [f"{item.number}. {title}", "", title]
        if item.closed:
            lines += ["", ""]
            continue
        lines += ["Sagsgang og sagstype", "", m.committee, "", types[item.item_type], ""]
        for heading, text in item.sections:
            lines += [heading, "", text]
        lines += _decision_lines(item, lambda body: f"Beslutning i {body} den {_numeric(m.date)}")
        if m.absent:
            lines += [f"Fraværende: {', '.join(m.absent)}", ""]
    return "\n".join(lines)


def render_netpublicator(m: Meeting) -> str:
    lines = [f"{m.committee} - Referat", "", f"Dato: {_danish(m.date)}", f"Lokale: {m.location}",
             "Tidspunkt: Kl. 19:00", "", "", "Indholdsfortegnelse"]
    for item in m.items:
        lines.append(f"{item.number}. {item.title}" + (" (lukket)" if item.closed else ""))
    lines += ["", ""]
    for item in m.items:
        lines += [f"{item.number}. {item.title}" + (" (lukket)" if item.closed else ""), ""]
        if not item.closed:
            for heading, text in item.sections:
                lines += ["Resume" if heading == "Sagsresumé" else heading, "", text, ""]
            lines += _decision_lines(item, lambda body: "Beslutning" if body == m.committee
                                     else f"Beslutning i {body} den {_danish(m.date)}")
        lines += ["Til toppen", "", ""]
    return "\n".join(lines)


def render_note(m: Meeting) -> str:
    item = m.items[1]
    lines = ["", f"## Opsamling fra {m.committee} om {item.title.lower()}", "", "---", "",
             f"{m.committee} i {m.municipality['official_name']} mødtes den {_danish(m.date)}.", ""]
    for heading, text in item.sections:
        lines += [f"### {heading}", "", text, ""]
    return "\n".join(lines)


LAYOUTS = [("prepare", render_prepare), ("os2web", render_os2web), ("viborg", render_viborg),
           ("edoc", render_edoc), ("netpublicator", render_netpublicator), ("note", render_note)]


def render(meeting: Meeting, layout: int) -> str:
    name, renderer = LAYOUTS[layout]
    text = renderer(meeting)
    if name != "note":  # the municipality is named in the body, as real referater do
        text = text.replace("\n\n", f"\n\n{meeting.municipality['official_name']} er vært for mødet.\n\n", 1)
    return text


def write_files(out: Path, meetings: int, seed: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    items = 0
    for n in range(meetings):
        meeting = generator.meeting()
        layout = len(LAYOUTS) - 1 if n % 50 == 49 else n % (len(LAYOUTS) - 1)  # every 50th a note
        text = render(meeting, layout)
        encoding = "cp1252" if n % 17 == 0 else "utf-8"
        (out / f"{n:06d}_{LAYOUTS[layout][0]}.txt").write_bytes(
            text.replace("\n", "\r\n").encode(encoding, errors="replace") if encoding == "cp1252" else text.encode()
        )
        items += 1 if LAYOUTS[layout][0] == "note" else len(meeting.items)
    return items


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the text files")
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("--rows", type=int, help="load this many agenda items straight into the database")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.rows:
        from bench.load import load_rows

        print(f"{load_rows(args.rows, args.seed)} items loaded")
    elif args.out:
        print(f"{write_files(args.out, args.meetings, args.seed)} items in {args.meetings} files under {args.out}")
    else:
        parser.error("give --out DIR (text files) or --rows N (database)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
