"""A deterministic generator of a reference enterprise, written in the loaders' own formats.

`generate(out_dir, scale=..., seed=...)` writes the source files of a fictional telecom
operator (docs/formats.md) so that benchmarks exercise the real readers and writers. At
scale 1 it holds 200 teams, 5,000 people, 1,500 processes, 300 systems, 100 journeys of 8
stages, 3,000 touchpoints, 2,000 pain points and 200,000 customers, about 1M relationships
in all (DESIGN.md, "Reference enterprise"). Other scales multiply the counts and keep
small minimums, so that every kind of node and relationship exists at any scale.

The shapes are skewed on purpose: team sizes are lognormal, a few systems carry most
dependencies and uses (power law), pain points pile up on a few touchpoints (mostly on
hand-offs between teams), a few customers give most of the feedback, and about 3% of it names
only a channel. About 5% of touchpoints have no owner, about 15% of verified dates are stale
(before 2025).

Everything comes from `random.Random` streams seeded by `seed` and the part being generated:
the same seed writes byte-identical files. Customers and feedback are streamed row by row.

Process-to-touchpoint links are in the `touchpoints` column of processes.csv (not in the
journey maps), so that the files also load one by one in the order of `sources`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from _csv import Writer

COMPANY = "Meridian Telecom"
DOMAIN = "meridian.example"
TODAY = dt.date(2026, 10, 15)
SURVEY_DATE = "2026-09-30"
FEEDBACK_START = dt.date(2025, 10, 1)
FEEDBACK_END = dt.date(2026, 9, 30)

FEEDBACK_PER_SCALE = 180_000
"""Feedback records at scale 1; with the other counts, about 1M relationships in total."""

CHANNEL_ONLY_SHARE = 0.03
"""Share of feedback records that name the channel of their touchpoint, not the touchpoint
(complaint exports that only say "phone"); drawn from a stream of their own, so that the
other columns are the same whatever the share."""


@dataclass(frozen=True)
class GeneratedFiles:
    """What `generate` wrote."""

    out_dir: Path
    sources: list[tuple[str, Path]]
    """(kind, path) of every file, in an order in which they also load one by one."""
    counts: dict[str, int]
    """Nodes per label and relationships per type that loading all sources creates."""


@dataclass(frozen=True)
class Sizes:
    """How many of each thing a scale asks for."""

    teams: int
    people: int
    systems: int
    processes: int
    journeys: int
    stages_per_journey: int
    touchpoints: int
    pain_points: int
    segments: int
    personas: int
    needs: int
    opportunities: int
    customers: int
    feedback: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """Counts at `scale` (1 = the reference size), with minimums for tiny scales."""
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError(f"scale must be a positive number, got {scale!r}")

        def n(base: float, minimum: int) -> int:
            return max(minimum, round(base * scale))

        teams = n(200, 3)
        journeys = n(100, 1)
        stages = 8
        vocab = scale**0.25
        segments = max(2, round(8 * vocab))
        return cls(
            teams=teams,
            people=max(2 * teams, round(5000 * scale)),
            systems=n(300, 3),
            processes=n(1500, 4),
            journeys=journeys,
            stages_per_journey=stages,
            touchpoints=max(journeys * stages, round(3000 * scale)),
            pain_points=n(2000, 2),
            segments=segments,
            personas=max(segments, round(24 * vocab)),
            needs=max(3, round(40 * vocab)),
            opportunities=n(300, 1),
            customers=n(200_000, 10),
            feedback=n(FEEDBACK_PER_SCALE, 10),
        )


# --- vocabulary -------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Olivia Arjun Siobhán Mateus Amara Lukas Mei Tomás Ingrid Kwame Priya Jonas Fatima "
    "Grace Diego Aisha Henrik Yuki Chloé Omar Elena Rafael Zanele Mikael Leila Noah Ana "
    "Björn Nadia Samuel Ines Kofi Hana Julien Marta Emeka Sofia Dmitri Layla Pablo Anika "
    "Ravi Claire Tariq Joanna Wei Lucía Finn Adaeze Mateo Astrid Karim Zoë Patrick Nora "
    "Hiroshi Camille Musa Freya Oskar"
)
LAST_NAMES = _words(
    "Bennett Kapoor Kelly Oliveira Herrera Halvorsen Mensah Raman Nakamura Okafor Schmidt "
    "Dubois Rossi Novak Andersson García Müller Ivanova Haddad Chen Singh Fischer Moreau "
    "Costa Lindqvist Adeyemi Kowalski Fernández Yilmaz O'Brien Petrov Tanaka Mwangi Jensen "
    "Ruiz Nguyen Svensson Banerjee Wójcik Laurent Ahmed Byrne Santos Virtanen Osei Duarte "
    "Hoffmann Ferreira Lambert Sato Kruger Moretti Hansen Quinn Bianchi Eriksen Murphy"
)

# (key, division name, departments)
AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("exec", "Executive Office", ("Office of the CEO", "Corporate Communications")),
    (
        "cx",
        "Customer Experience",
        (
            "Customer Care",
            "CX Design",
            "Digital Channels",
            "Retention",
            "Customer Insight",
            "Complaints Resolution",
        ),
    ),
    (
        "tech",
        "Technology",
        (
            "Platforms",
            "Integration",
            "Billing Systems",
            "CRM & Ordering",
            "Data & Analytics",
            "Security",
            "Digital Engineering",
        ),
    ),
    (
        "ops",
        "Operations",
        ("Field Operations", "Provisioning", "Logistics", "Service Assurance", "Scheduling"),
    ),
    (
        "commercial",
        "Commercial",
        ("Sales", "Marketing", "Pricing & Offers", "Partnerships", "Business Sales"),
    ),
    (
        "finance",
        "Finance",
        ("Billing & Revenue", "Credit & Collections", "Accounting", "Procurement"),
    ),
    (
        "network",
        "Network",
        ("Network Operations", "Network Engineering", "Radio Access", "Fixed Access"),
    ),
    ("people", "People & Culture", ("Talent", "Learning", "HR Operations")),
    ("risk", "Legal & Risk", ("Legal", "Compliance", "Enterprise Risk", "Fraud")),
    (
        "strategy",
        "Strategy & Transformation",
        ("Transformation Office", "Enterprise Architecture", "Portfolio Management"),
    ),
)
CHIEF_TITLES = {
    "cx": "Chief Customer Officer",
    "tech": "Chief Technology Officer",
    "ops": "Chief Operating Officer",
    "commercial": "Chief Commercial Officer",
    "finance": "Chief Financial Officer",
    "network": "Chief Network Officer",
    "people": "Chief People Officer",
    "risk": "General Counsel",
    "strategy": "Chief Strategy Officer",
}
TEAM_SUFFIXES = (
    "Frontline",
    "Tier 2",
    "Back Office",
    "North",
    "South",
    "East",
    "West",
    "Operations",
    "Engineering",
    "Analytics",
    "Quality",
    "Delivery",
    "Planning",
    "Squad A",
    "Squad B",
    "Specialists",
)
JOB_TITLES = (
    "Analyst",
    "Senior Analyst",
    "Specialist",
    "Senior Specialist",
    "Engineer",
    "Senior Engineer",
    "Customer Advisor",
    "Coordinator",
    "Consultant",
    "Product Owner",
    "Architect",
    "Project Manager",
    "Technician",
    "Agent",
)

CORE_SYSTEMS: tuple[tuple[str, str, str], ...] = (
    ("Core BSS Database", "database", "critical"),
    ("Identity & Access Platform", "platform", "critical"),
    ("Integration Bus & API Gateway", "integration", "critical"),
    ("Private Cloud Platform", "infrastructure", "critical"),
    ("Notification Service", "platform", "high"),
    ("Enterprise Data Warehouse", "database", "high"),
)
APP_SYSTEMS = (
    "CRM",
    "Billing",
    "Rating",
    "Order Management",
    "Product Catalogue",
    "Field Service Scheduling",
    "Workforce Management",
    "Contact Centre Telephony",
    "Ticketing",
    "Network Inventory",
    "Provisioning",
    "Payments",
    "Collections",
    "Website CMS",
    "Mobile App Backend",
    "Chat Platform",
    "Survey Tool",
    "Marketing Automation",
    "ERP",
    "HR System",
    "Document Management",
    "Address Lookup",
    "Fraud Detection",
    "Logistics Tracking",
    "Number Portability Gateway",
    "Credit Scoring",
    "Knowledge Base",
    "Device Management",
    "Retail Point of Sale",
    "Partner Portal",
)
SYSTEM_VARIANTS = (
    "Consumer",
    "Business",
    "Legacy",
    "Cloud",
    "Wholesale",
    "Retail",
    "Fixed",
    "Mobile",
    "Regional",
    "Next-Gen",
)
APP_KINDS = (
    ("application", 60),
    ("saas", 25),
    ("platform", 6),
    ("integration", 5),
    ("database", 4),
)
CRITICALITIES = (("low", 25), ("medium", 40), ("high", 25), ("critical", 10))

# APQC-style categories: code, name, base layer, owning area; listed customer-facing first
# so that small scales keep the categories journeys need.
CATEGORIES: tuple[tuple[int, str, str, str], ...] = (
    (6, "Manage customer service", "frontstage", "cx"),
    (3, "Market and sell products and services", "frontstage", "commercial"),
    (5, "Deliver services", "backstage", "ops"),
    (9, "Manage financial resources", "backstage", "finance"),
    (8, "Manage information technology", "support", "tech"),
    (2, "Develop and manage products and services", "backstage", "commercial"),
    (4, "Manage supply chain for physical products", "backstage", "ops"),
    (1, "Develop vision and strategy", "support", "strategy"),
    (7, "Develop and manage human capital", "support", "people"),
    (10, "Acquire, construct, and manage assets", "support", "network"),
    (11, "Manage enterprise risk, compliance and resiliency", "support", "risk"),
    (12, "Manage external relationships", "support", "commercial"),
    (13, "Develop and manage business capabilities", "support", "strategy"),
)
PROCESS_OBJECTS: dict[int, tuple[str, ...]] = {
    1: ("corporate strategy", "business model", "strategic initiatives", "market analysis"),
    2: ("product portfolio", "tariffs", "product lifecycle", "service design", "bundles"),
    3: ("campaigns", "leads", "orders", "prices", "online sales", "retail sales", "offers"),
    4: ("device stock", "warehouses", "deliveries", "returns", "suppliers"),
    5: ("activations", "number ports", "installations", "appointments", "moves", "repairs"),
    6: ("enquiries", "complaints", "billing disputes", "technical support", "retention"),
    7: ("recruitment", "training", "performance reviews", "rewards"),
    8: ("IT services", "applications", "infrastructure", "data", "security", "changes"),
    9: ("customer bills", "payments", "collections", "credit checks", "refunds", "ledgers"),
    10: ("network assets", "sites", "equipment"),
    11: ("compliance", "fraud cases", "business continuity", "audits"),
    12: ("regulators", "partners", "investor relations"),
    13: ("enterprise architecture", "process models", "quality"),
}
PROCESS_VERBS = (
    "Capture",
    "Validate",
    "Schedule",
    "Resolve",
    "Monitor",
    "Review",
    "Approve",
    "Process",
    "Track",
    "Update",
    "Escalate",
    "Close",
    "Prepare",
    "Analyse",
    "Plan",
    "Reconcile",
)
PROCESS_QUALIFIERS = (
    "consumer",
    "business",
    "online",
    "in store",
    "by phone",
    "exceptions",
    "bulk",
    "urgent",
    "standard",
    "first line",
    "second line",
)
LAYER_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "frontstage": (("frontstage", 55), ("backstage", 35), ("support", 10)),
    "backstage": (("backstage", 65), ("frontstage", 15), ("support", 20)),
    "support": (("support", 85), ("backstage", 15)),
}

SEGMENTS: tuple[tuple[str, str], ...] = (
    ("Consumer mobile", "Postpaid mobile customers, from SIM-only lines to family plans."),
    ("Home & converged", "Households with home broadband, often bundled with mobile."),
    ("Small business", "Sole traders and small firms with up to 20 lines."),
    ("Prepaid", "Pay-as-you-go customers who top up when they need to."),
    ("Young digital", "Under-30s who manage everything in the app."),
    ("Seniors", "Older customers who prefer the phone and the store."),
    ("Mid-market business", "Firms with 20 to 250 lines and several sites."),
    ("Premium", "High-spend customers with the latest devices and several services."),
    ("Students", "Students on discounted plans, often moving every year."),
    ("Rural households", "Households outside the cities, on fixed wireless or copper."),
    ("Public sector", "Schools, councils and health services."),
    ("Wholesale", "Resellers and virtual operators on the network."),
)
PERSONAS: tuple[tuple[str, str], ...] = (
    ("Family planner", "Manages several lines for a household; wants one clear bill."),
    ("Remote worker", "Works from home; a day without broadband is a day without income."),
    ("Small-business owner", "Has no time for long calls; needs one contact for the account."),
    ("Value seeker", "Compares prices every year and switches for a better deal."),
    ("Digital native", "Expects to do everything in the app, immediately."),
    ("Cautious senior", "Wants a person to talk to and clear letters."),
    ("Frequent traveller", "Uses roaming every month and hates bill surprises."),
    ("Gamer", "Cares about latency more than anything else."),
    ("Student on a budget", "Short contracts, low prices, moves often."),
    ("Office manager", "Orders lines and devices for colleagues."),
    ("IT administrator", "Manages business lines, SIMs and security policies."),
    ("Streaming household", "Several screens streaming at once every evening."),
    ("New arrival", "Just moved to the country; no credit history yet."),
    ("Tech enthusiast", "Always on the newest phone; upgrades early."),
    ("Rural resident", "Patchy coverage; relies on the landline and fixed wireless."),
    ("Carer", "Manages a parent's account as well as their own."),
    ("Shift worker", "Needs help outside office hours."),
    ("Procurement lead", "Runs tenders and cares about contract terms."),
    ("Loyal long-timer", "Customer for 15 years; expects to be recognised."),
    ("Accessibility user", "Uses a screen reader and relay services."),
    ("Prepaid topper", "Tops up weekly with cash in shops."),
    ("Home-office couple", "Two people on video calls at the same time."),
    ("Multi-site owner", "Runs three shops and moves one every few years."),
    ("Privacy-conscious user", "Reads the terms and opts out of marketing."),
)
NEEDS = (
    "Know the full price before committing",
    "Keep my numbers when I switch",
    "Stay connected without interruption",
    "Know what is happening and when",
    "Appointments that happen when promised",
    "Be up and running quickly",
    "Get help quickly on the channel I prefer",
    "A correct bill I can understand",
    "One person who owns my problem until it is solved",
    "Get the speed I was promised",
    "Manage my account myself",
    "Not repeat my story",
    "Fair treatment when I cannot pay",
    "Clear contract terms",
    "Protect my data and identity",
    "Use my phone abroad without surprises",
    "Get a working device on day one",
    "Easy returns",
    "Recognition of my loyalty",
    "Advice that fits my household",
    "Fast fault repair",
    "Simple cancellation",
    "Updates without asking",
    "Accessible service",
    "Secure payments",
    "Choose my installation slot",
    "Reach a person when I need one",
    "Consistent answers on every channel",
    "Proactive warnings before charges",
    "Quick refunds",
    "Plans that match how I use them",
    "Business continuity",
    "One bill for all services",
    "Coverage where I live",
    "Know when an outage will end",
    "Keep my e-mail address",
    "Help setting up equipment",
    "Fewer forms",
    "Paper-free where I want it",
    "A respectful tone",
)
CHANNELS: tuple[tuple[str, str, str, int, str, str], ...] = (
    # id, name, kind, weight, verb for touchpoint names, physical evidence
    ("ch-web", "Website", "web", 20, "Use the website", "Web page"),
    ("ch-app", "Mobile app", "mobile_app", 18, "Use the app", "App screen"),
    ("ch-phone", "Contact centre", "phone", 15, "Call the contact centre", "IVR and agent call"),
    ("ch-email", "E-mail", "email", 10, "Read an e-mail", "E-mail message"),
    ("ch-chat", "Live chat", "chat", 10, "Chat with an agent", "Chat window"),
    ("ch-store", "Retail store", "store", 8, "Visit a store", "Store counter and receipt"),
    ("ch-sms", "SMS", "sms", 7, "Get a text message", "SMS"),
    ("ch-mail", "Letters", "mail", 4, "Receive a letter", "Printed letter"),
    ("ch-field", "Field technicians", "field", 4, "Meet a technician", "Technician job sheet"),
    ("ch-social", "Social media", "social", 2, "Post on social media", "Public post and DM"),
    ("ch-partner", "Partners and couriers", "partner", 2, "Deal with a partner", "Courier"),
)

STAGE_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    # stage name, what the customer does
    "acquire": (
        ("Discover", "hears about the offer"),
        ("Explore", "looks at plans and prices"),
        ("Compare", "compares the options"),
        ("Decide", "chooses a plan"),
        ("Order", "places the order"),
        ("Set up", "gets the service working"),
        ("First use", "uses the service for the first time"),
        ("First bill", "checks the first bill"),
    ),
    "change": (
        ("Consider", "thinks about the change"),
        ("Check eligibility", "checks what is possible"),
        ("Request", "asks for the change"),
        ("Confirm", "confirms the details"),
        ("Wait", "waits for the change"),
        ("Switch over", "starts using the changed service"),
        ("Bill after change", "checks the bill after the change"),
        ("Settle in", "gets used to the new set-up"),
    ),
    "service": (
        ("Notice", "notices the problem"),
        ("Look for help", "looks for help"),
        ("Contact", "contacts the company"),
        ("Diagnose", "answers questions about the problem"),
        ("Fix", "waits for the fix"),
        ("Confirm", "checks that it is fixed"),
        ("Follow up", "hears back about the case"),
        ("Reflect", "decides whether to stay"),
    ),
    "use": (
        ("Get ready", "prepares"),
        ("Use", "uses the service"),
        ("Get notified", "gets a notification"),
        ("Check usage", "checks usage and charges"),
        ("Ask a question", "asks about a charge"),
        ("Pay", "pays"),
        ("Adjust", "adjusts the plan or settings"),
        ("Review", "reviews the experience"),
    ),
    "leave": (
        ("Consider leaving", "thinks about leaving"),
        ("Look around", "looks at other providers"),
        ("Contact", "tells the company"),
        ("Hear the offer", "hears a retention offer"),
        ("Decide", "decides to stay or go"),
        ("Cancel", "cancels the service"),
        ("Return equipment", "returns the equipment"),
        ("Final bill", "settles the final bill"),
    ),
}
THEMES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("Switching to us", "acquire", (3, 5, 9, 6)),
    ("Getting broadband installed", "acquire", (3, 5, 4, 9)),
    ("Buying a new phone", "acquire", (3, 4, 9)),
    ("Upgrading a plan", "change", (3, 9, 6)),
    ("Moving home", "change", (5, 6, 9)),
    ("Adding a line", "change", (3, 5, 9)),
    ("Travelling abroad", "use", (6, 9, 5)),
    ("Understanding the bill", "use", (9, 6)),
    ("Disputing a bill", "service", (6, 9)),
    ("Reporting a fault", "service", (6, 5, 8)),
    ("Getting a repair", "service", (5, 6, 4)),
    ("Recovering a lost phone", "service", (6, 4, 11)),
    ("Paying late", "use", (9, 6)),
    ("Changing account details", "change", (6, 8)),
    ("Leaving us", "leave", (6, 3, 9)),
    ("Opening a business account", "acquire", (3, 5, 9)),
    ("Managing business lines", "use", (6, 3, 9)),
    ("Renewing a contract", "change", (3, 6, 9)),
    ("Complaining about service", "service", (6, 11)),
    ("Returning a device", "change", (4, 9, 6)),
)

PAIN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "pricing-transparency": (
        "Fees only visible at checkout",
        "Discount ends without warning",
        "Price on the website differs from the contract",
    ),
    "billing-accuracy": (
        "Charged twice",
        "Wrong tariff applied",
        "Charged before the service was live",
    ),
    "handoff": (
        "Case lost between teams",
        "Has to repeat the story to each team",
        "Nobody owns the request",
    ),
    "technical-error": ("Form fails to submit", "App crashes at login", "Payment page times out"),
    "expectation-setting": (
        "Promised date missed",
        "Speed far below the estimate",
        "Unclear what happens next",
    ),
    "appointment-reliability": (
        "Technician does not show up",
        "Slot cancelled at short notice",
        "Only slots weeks away",
    ),
    "status-visibility": ("No order tracking", "No update on the case", "Outage page out of date"),
    "process-complexity": (
        "Too many steps",
        "Paper form required",
        "Identity checked three times",
    ),
    "delivery-delay": ("Device arrives late", "SIM never arrives", "Courier leaves no note"),
    "service-outage": ("Service down for days", "Repeated drops", "No service after the change"),
}
FEEDBACK_ONLY_CATEGORIES = ("wait-time", "staff-attitude", "how-to", "unclear-message")
CATEGORY_TEXTS: dict[str, tuple[str, ...]] = {
    "pricing-transparency": (
        "Why is there an extra charge? It was not on the plans page.",
        "The price went up and nobody told me.",
    ),
    "billing-accuracy": ("My bill is wrong again.", "I was charged for something I never ordered."),
    "handoff": (
        "Every team sends me to another team.",
        "I had to explain everything three times.",
    ),
    "technical-error": ("The form keeps failing.", "The app just shows an error."),
    "expectation-setting": ("This is not what I was promised.", "Nobody told me it takes weeks."),
    "appointment-reliability": (
        "Waited all day and nobody came.",
        "My appointment was cancelled again.",
    ),
    "status-visibility": ("I have no idea where my order is.", "No update for a week."),
    "process-complexity": ("Far too complicated.", "Why do I need to fill in a paper form?"),
    "delivery-delay": ("Still waiting for the delivery.", "The parcel never came."),
    "service-outage": ("No service since Monday.", "The connection keeps dropping."),
    "wait-time": ("Forty minutes on hold.", "The queue never moves."),
    "staff-attitude": ("The agent was rude.", "Nobody seemed to care."),
    "how-to": ("How do I change this setting?", "Where do I find my contract?"),
    "unclear-message": ("I do not understand this letter.", "The text message made no sense."),
}
SURVEY_TEXTS = (
    "Clear and simple.",
    "Quick and friendly.",
    "Fine.",
    "Could be faster.",
    "Not great.",
    "Took far too long.",
    "Very helpful agent.",
    "",
)
OPPORTUNITY_STARTS = (
    "Proactive updates for",
    "One owner for",
    "Self-service for",
    "Fewer steps in",
    "Clear prices in",
    "Real-time tracking of",
    "Better hand-over in",
    "Automated checks in",
)
OPPORTUNITY_STATUSES = (("idea", 35), ("planned", 30), ("in_progress", 20), ("done", 15))
FEEDBACK_KINDS = (("complaint", 30), ("ticket", 25), ("survey", 35), ("review", 10))


# --- helpers ----------------------------------------------------------------------------


def _rng(seed: int, part: str) -> random.Random:
    """An independent random stream per part, so that parts do not shift each other."""
    return random.Random(f"cxgraph-generate:{seed}:{part}")


class _Picker:
    """Weighted choice from a fixed population by binary search on cumulative weights."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        if not items:
            raise ValueError("nothing to pick from")
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def index(self, rng: random.Random) -> int:
        return min(bisect_right(self.cum, rng.random() * self.total), len(self.items) - 1)

    def pick(self, rng: random.Random) -> str:
        return self.items[self.index(rng)]

    def distinct(self, rng: random.Random, k: int) -> list[str]:
        """Up to `k` different items (fewer when the population is small), in pick order."""
        chosen: list[str] = []
        for _ in range(4 * k):
            if len(chosen) >= min(k, len(self.items)):
                break
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def _power_weights(n: int, alpha: float) -> list[float]:
    return [1.0 / (i + 1) ** alpha for i in range(n)]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class _Unique:
    """Adds a number to repeated names: `Sales`, `Sales 2`, ..."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def __call__(self, name: str) -> str:
        self.seen[name] += 1
        return name if self.seen[name] == 1 else f"{name} {self.seen[name]}"


def _verified(rng: random.Random) -> str:
    """A verified-at date: mostly in the last year, ~15% stale (before 2025), ~3% never."""
    r = rng.random()
    if r < 0.03:
        return ""
    if r < 0.18:
        return (dt.date(2021, 6, 1) + dt.timedelta(days=rng.randrange(1300))).isoformat()
    return (TODAY - dt.timedelta(days=rng.randrange(365))).isoformat()


def _split(total: int, parts: int, rng: random.Random, sigma: float) -> list[int]:
    """`total` split into `parts` counts of at least 1 (when possible), lognormal-skewed."""
    counts = [1 if total >= parts else 0] * parts
    rest = total - sum(counts)
    if rest > 0:
        weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
        for index in rng.choices(range(parts), weights, k=rest):
            counts[index] += 1
    return counts


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'&/+-]*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def _q(text: str) -> str:
    """A YAML scalar for `text`: plain when safe, else double-quoted (JSON-style escapes)."""
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _ylist(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _csv_writer(handle: TextIO) -> Writer:
    return csv.writer(handle, lineterminator="\n")


def _code_text(code: tuple[int, ...]) -> str:
    """`6.0` for a category, `6.2.3` below it."""
    return f"{code[0]}.0" if len(code) == 1 else ".".join(map(str, code))


# --- the model held in memory (everything except customers and feedback) -----------------


@dataclass
class _Team:
    id: str
    name: str
    kind: str
    parent: int | None
    area: str
    verified: str
    lead: str = ""


@dataclass
class _Process:
    code: tuple[int, ...]
    name: str
    layer: str
    category: int
    owner: str = ""
    performers: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    hands_off_to: list[str] = field(default_factory=list)
    touchpoints: list[str] = field(default_factory=list)
    verified: str = ""
    code_text: str = field(init=False)
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.code_text = _code_text(self.code)
        self.id = f"proc-{self.code_text}"


@dataclass
class _Pain:
    id: str
    name: str
    description: str
    severity: int
    category: str


@dataclass
class _Touchpoint:
    id: str
    name: str
    action: str
    evidence: str
    channel: str
    needs: list[str]
    moment_of_truth: bool
    owner: str
    systems: list[str]
    verified: str
    teams_involved: int
    metrics: list[str] = field(default_factory=list)
    next: list[str] | None = None
    pains: list[_Pain] = field(default_factory=list)


@dataclass
class _Stage:
    id: str
    name: str
    description: str
    metrics: list[str]
    touchpoints: list[_Touchpoint]


@dataclass
class _Journey:
    id: str
    name: str
    description: str
    personas: list[str]
    owner: str
    verified: str
    metrics: list[str]
    stages: list[_Stage]


class _Generator:
    def __init__(self, out_dir: Path, scale: float, seed: int) -> None:
        self.out = out_dir
        self.seed = seed
        self.size = Sizes.at(scale)
        self.counts: Counter[str] = Counter()
        self.teams: list[_Team] = []
        self.team_pool: dict[str, _Picker] = {}
        self.all_teams: _Picker
        self.systems: list[str] = []
        self.system_picker: _Picker
        self.processes: list[_Process] = []
        self.segments: list[str] = []
        self.personas_by_segment: dict[str, list[str]] = {}
        self.personas: list[str] = []
        self.needs: list[str] = []
        self.names: dict[str, str] = {}
        """Names of the catalog items by id."""
        self.journeys: list[_Journey] = []
        self.touchpoints: list[_Touchpoint] = []

    def rel(self, rel_type: str, n: int = 1) -> None:
        self.counts[rel_type] += n

    def node(self, label: str, n: int = 1) -> None:
        self.counts[label] += n

    # --- organisation --------------------------------------------------------------------

    def build_teams(self) -> None:
        rng = _rng(self.seed, "teams")
        n = self.size.teams
        n_div = max(1, min(len(AREAS), round(n / 25)))
        n_dept = max(1, round((n - n_div) * 0.22))
        n_dept = min(n_dept, n - n_div - 1)
        names = _Unique()
        depth: list[int] = []
        # A small company has no executive office: its first division's head is the CEO.
        areas = AREAS[:n_div] if n_div >= 4 else AREAS[1 : n_div + 1]
        div_weights = [0.3 if n_div >= 4 else 1.0]
        div_weights += [rng.lognormvariate(0, 0.5) for _ in range(n_div - 1)]
        for key, name, _ in areas:
            self.teams.append(_Team("", names(name), "division", None, key, _verified(rng)))
            depth.append(1)
        for _ in range(n_dept):
            parent = rng.choices(range(n_div), div_weights)[0]
            area_key, _, functions = areas[parent]
            name = names(rng.choice(functions))
            self.teams.append(_Team("", name, "department", parent, area_key, _verified(rng)))
            depth.append(2)
        dept_weights = [rng.lognormvariate(0, 0.7) for _ in range(n_dept)]
        for _ in range(n - n_div - n_dept):
            level3 = [i for i, d in enumerate(depth) if d == 3]
            if level3 and rng.random() < 0.2:
                parent = rng.choice(level3)
            else:
                parent = n_div + rng.choices(range(n_dept), dept_weights)[0]
            base = re.sub(r" \d+$", "", self.teams[parent].name)
            name = names(f"{base} {rng.choice(TEAM_SUFFIXES)}")
            area_key = self.teams[parent].area
            self.teams.append(_Team("", name, "team", parent, area_key, _verified(rng)))
            depth.append(depth[parent] + 1)
        for index, team in enumerate(self.teams, start=1):
            team.id = f"team-{index:04d}"
        self.node("Team", n)
        self.rel("PART_OF", sum(1 for t in self.teams if t.parent is not None))
        prominence = [rng.lognormvariate(0, 1.0) for _ in self.teams]
        self.all_teams = _Picker([t.id for t in self.teams], prominence)
        for key, _, _ in AREAS:
            members = [
                i for i, t in enumerate(self.teams) if t.area == key and t.kind != "division"
            ]
            if members:
                self.team_pool[key] = _Picker(
                    [self.teams[i].id for i in members], [prominence[i] for i in members]
                )

    def team(self, rng: random.Random, area: str) -> str:
        """A team, from `area` when the company has that area (skewed: some teams own a lot)."""
        return self.team_pool.get(area, self.all_teams).pick(rng)

    def write_teams(self) -> Path:
        path = self.out / "teams.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(["id", "name", "kind", "parent", "verified_at"])
            for team in self.teams:
                parent = "" if team.parent is None else self.teams[team.parent].id
                out.writerow([team.id, team.name, team.kind, parent, team.verified])
        return path

    def write_people(self) -> Path:
        rng = _rng(self.seed, "people")
        path = self.out / "people.csv"
        teams = self.teams
        # Skewed team sizes: lognormal, and divisions and departments hold few staff directly.
        weights = [rng.lognormvariate(0, 0.9) * (1.0 if t.kind == "team" else 0.25) for t in teams]
        sizes = [1] * len(teams)
        for index in rng.choices(range(len(teams)), weights, k=self.size.people - len(teams)):
            sizes[index] += 1
        # ~4% of teams (never divisions) have no lead: an ownership gap in the org chart.
        no_lead = [t.kind == "team" and rng.random() < 0.04 for t in teams]
        emails: Counter[str] = Counter()
        number = 0

        def person() -> tuple[str, str, str]:
            nonlocal number
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            local = f"{_slug(first)}.{_slug(last)}"
            emails[local] += 1
            if emails[local] > 1:
                local += str(emails[local])
            return f"p-{number:06d}", f"{first} {last}", f"{local}@{DOMAIN}"

        def ancestor_lead(index: int | None) -> str:
            while index is not None:
                if teams[index].lead:
                    return teams[index].lead
                index = teams[index].parent
            return ceo

        ceo = ""
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(["id", "name", "title", "email", "unit", "manager", "leads"])
            for index, team in enumerate(teams):
                size = sizes[index]
                boss = ancestor_lead(team.parent)
                members = size
                if not no_lead[index]:
                    person_id, name, email = person()
                    if not ceo:
                        ceo, title, manager = person_id, "Chief Executive Officer", ""
                    elif team.kind == "division":
                        title, manager = CHIEF_TITLES.get(team.area, "Director"), ceo
                    elif team.kind == "department":
                        title, manager = f"Head of {team.name}", boss
                    else:
                        title, manager = f"Team Lead, {team.name}", boss
                    out.writerow([person_id, name, title, email, team.id, manager, team.id])
                    team.lead = person_id
                    boss = person_id
                    members -= 1
                    self.rel("LEADS")
                    self.rel("REPORTS_TO", 1 if manager else 0)
                supervisors: list[str] = []
                n_supervisors = math.ceil(members / 12) if members > 15 else 0
                for position in range(members):
                    person_id, name, email = person()
                    if position < n_supervisors:
                        title, manager = "Supervisor", boss
                        supervisors.append(person_id)
                    else:
                        title = rng.choice(JOB_TITLES)
                        manager = rng.choice(supervisors) if supervisors else boss
                    out.writerow([person_id, name, title, email, team.id, manager, ""])
                    self.rel("REPORTS_TO")
        self.node("Person", number)
        self.rel("MEMBER_OF", number)
        return path

    # --- systems and processes -----------------------------------------------------------

    def build_and_write_systems(self) -> Path:
        rng = _rng(self.seed, "systems")
        n = self.size.systems
        path = self.out / "systems.csv"
        names = _Unique()
        depends_weights = list(accumulate(_power_weights(n, 1.2)))
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(
                ["id", "name", "kind", "criticality", "owner", "depends_on", "verified_at"]
            )
            for index in range(n):
                system_id = f"sys-{index + 1:04d}"
                self.systems.append(system_id)
                if index < len(CORE_SYSTEMS):
                    name, kind, criticality = CORE_SYSTEMS[index]
                else:
                    app = rng.choice(APP_SYSTEMS)
                    name = app if rng.random() < 0.4 else f"{app} ({rng.choice(SYSTEM_VARIANTS)})"
                    kind = _weighted(rng, APP_KINDS)
                    criticality = _weighted(rng, CRITICALITIES)
                depends: list[int] = []
                if index > 0:
                    wanted = 0 if rng.random() < 0.08 else min(index, 1 + int(rng.expovariate(0.7)))
                    if index > 1 and rng.random() < 0.3:
                        depends.append(index - 1)  # chains: each layer builds on the one below
                    for _ in range(4 * wanted):
                        if len(depends) >= wanted:
                            break
                        other = bisect_right(
                            depends_weights, rng.random() * depends_weights[index - 1]
                        )
                        other = min(other, index - 1)
                        if other not in depends:
                            depends.append(other)
                owner = "" if rng.random() < 0.03 else self.team(rng, "tech")
                out.writerow(
                    [
                        system_id,
                        names(name),
                        kind,
                        criticality,
                        owner,
                        ";".join(self.systems[d] for d in depends),
                        _verified(rng),
                    ]
                )
                self.rel("OWNS", 1 if owner else 0)
                self.rel("DEPENDS_ON", len(depends))
        self.node("System", n)
        # A few systems (the core platforms and the first applications) are used everywhere.
        self.system_picker = _Picker(self.systems, [1.0 / (i + 2) ** 1.1 for i in range(n)])
        return path

    def build_processes(self) -> None:
        rng = _rng(self.seed, "processes")
        n = self.size.processes
        n_l1 = max(1, min(len(CATEGORIES), round(n * len(CATEGORIES) / 1500)))
        rest = n - n_l1
        n_l2 = max(1, round(rest * 0.06))
        n_l3 = max(1, round(rest * 0.27))
        n_l4 = rest - n_l2 - n_l3
        levels: list[list[_Process]] = [[]]
        for number, name, layer, _ in CATEGORIES[:n_l1]:
            levels[0].append(_Process((number,), name, layer, number))
        for count in (n_l2, n_l3, n_l4):
            parents = levels[-1]
            # Customer-facing categories are the big ones (most support categories stay small).
            weights = [
                rng.lognormvariate(0, 0.8) * (1 if p.layer == "support" else 4) for p in parents
            ]
            children: Counter[int] = Counter()
            level: list[_Process] = []
            for index in rng.choices(range(len(parents)), weights, k=count):
                parent = parents[index]
                children[index] += 1
                level.append(self._child(rng, parent, (*parent.code, children[index])))
            levels.append(level)
        self.processes = sorted((p for level in levels for p in level), key=lambda p: p.code)
        area_of = {number: area for number, _, _, area in CATEGORIES}
        by_id = {p.id: p for p in self.processes}
        for process in self.processes:
            area = area_of[process.category]
            depth = len(process.code)
            parent_owner = ""
            if depth > 1:
                parent_code = process.code[:-1] if depth > 2 else process.code[:1]
                parent_owner = by_id[f"proc-{_code_text(parent_code)}"].owner
            if rng.random() < 0.04:
                process.owner = ""
            elif parent_owner and depth > 2 and rng.random() < 0.5:
                process.owner = parent_owner
            else:
                process.owner = self.team(rng, area)
            if depth >= 3:
                performers = [process.owner] if process.owner and rng.random() < 0.6 else []
                for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
                    other = self.team(rng, area if rng.random() < 0.6 else "ops")
                    if other not in performers:
                        performers.append(other)
                process.performers = performers
            elif process.owner and rng.random() < 0.3:
                process.performers = [process.owner]
            k = rng.choice((0, 1, 1, 2, 2, 3, 4)) if depth >= 3 else int(depth == 2)
            process.systems = self.system_picker.distinct(rng, k)
            process.verified = _verified(rng)
        leaves = [p for p in self.processes if len(p.code) >= 3]
        for process in leaves:
            if rng.random() >= 0.35:
                continue
            for _ in range(1 if rng.random() < 0.8 else 2):
                target = rng.choice(leaves)
                for _ in range(5):  # prefer hand-offs to another team
                    if target.owner != process.owner:
                        break
                    target = rng.choice(leaves)
                if target is not process and target.id not in process.hands_off_to:
                    process.hands_off_to.append(target.id)
        self.node("Process", len(self.processes))
        for process in self.processes:
            self.rel("PART_OF", 0 if len(process.code) == 1 else 1)
            self.rel("OWNS", 1 if process.owner else 0)
            self.rel("PERFORMS", len(process.performers))
            self.rel("USES", len(process.systems))
            self.rel("HANDS_OFF_TO", len(process.hands_off_to))

    def _child(self, rng: random.Random, parent: _Process, code: tuple[int, ...]) -> _Process:
        objects = PROCESS_OBJECTS[parent.category]
        if len(code) == 2:
            name = f"Manage {rng.choice(objects)}"
            layer = parent.layer
        else:
            name = f"{rng.choice(PROCESS_VERBS)} {rng.choice(objects)}"
            if len(code) == 4:
                name += f" ({rng.choice(PROCESS_QUALIFIERS)})"
            layer = _weighted(rng, LAYER_MIX[parent.layer])
        return _Process(code, name, layer, parent.category)

    def write_processes(self) -> Path:
        path = self.out / "processes.csv"
        header = ["id", "code", "name", "layer", "parent", "owner", "performers", "systems"]
        header += ["hands_off_to", "touchpoints", "verified_at"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(header)
            for p in self.processes:
                out.writerow(
                    [
                        p.id,
                        p.code_text,
                        p.name,
                        p.layer,
                        "",
                        p.owner,
                        ";".join(p.performers),
                        ";".join(p.systems),
                        ";".join(p.hands_off_to),
                        ";".join(p.touchpoints),
                        p.verified,
                    ]
                )
        return path

    # --- journeys ------------------------------------------------------------------------

    def build_catalog(self) -> str:
        size = self.size
        lines = [f"# {COMPANY}: segments, personas, channels and customer needs.", ""]

        def vocabulary(
            section: str, prefix: str, base: Sequence[tuple[str, str]], count: int
        ) -> list[str]:
            ids: list[str] = []
            lines.append(f"{section}:")
            for index in range(count):
                name, description = base[index % len(base)]
                if index >= len(base):
                    name = f"{name} {index // len(base) + 1}"
                ids.append(f"{prefix}-{_slug(name)}")
                self.names[ids[-1]] = name
                lines.append(f"  - id: {ids[-1]}")
                lines.append(f"    name: {_q(name)}")
                if description:
                    lines.append(f"    description: {_q(description)}")
            lines.append("")
            return ids

        self.segments = vocabulary("segments", "seg", SEGMENTS, size.segments)
        self.personas = vocabulary("personas", "per", PERSONAS, size.personas)
        self.personas_by_segment = {s: [] for s in self.segments}
        for index, persona in enumerate(self.personas):
            segment = self.segments[index % len(self.segments)]
            self.personas_by_segment[segment].append(persona)
        lines.append("channels:")
        for channel_id, name, kind, _, _, _ in CHANNELS:
            lines += [f"  - id: {channel_id}", f"    name: {_q(name)}", f"    kind: {kind}"]
        lines.append("")
        self.needs = vocabulary("needs", "need", [(n, "") for n in NEEDS], size.needs)
        for label, count in (
            ("Segment", size.segments),
            ("Persona", size.personas),
            ("Channel", len(CHANNELS)),
            ("CustomerNeed", size.needs),
        ):
            self.node(label, count)
        return "\n".join(lines)

    def build_journeys(self) -> None:
        rng = _rng(self.seed, "journeys")
        size = self.size
        n_stages = size.journeys * size.stages_per_journey
        per_stage = _split(size.touchpoints, n_stages, rng, 0.5)
        channel_picker = _Picker([c[0] for c in CHANNELS], [c[3] for c in CHANNELS])
        channel_info = {c[0]: c for c in CHANNELS}
        need_picker = _Picker(self.needs, [rng.lognormvariate(0, 0.8) for _ in self.needs])
        systems = self.system_picker
        leaves_by_category: dict[int, list[_Process]] = {}
        for process in self.processes:
            if len(process.code) >= 3 and process.layer != "support":
                leaves_by_category.setdefault(process.category, []).append(process)
        fallback = [p for p in self.processes if len(p.code) >= 2] or self.processes
        names = _Unique()
        segment_names = self.names
        tp_number = 0
        for j in range(size.journeys):
            theme, template_key, categories = THEMES[j % len(THEMES)]
            segment = self.segments[(j // len(THEMES) + j) % len(self.segments)]
            name = names(f"{theme} ({segment_names[segment].lower()})")
            personas = self.personas_by_segment[segment] or self.personas
            chosen = [rng.choice(personas)]
            if rng.random() < 0.1:
                extra = rng.choice(self.personas)
                if extra not in chosen:
                    chosen.append(extra)
            pool = [p for c in categories for p in leaves_by_category.get(c, [])] or fallback
            if len(pool) > 80:  # a journey involves a limited set of processes
                pool = sorted(rng.sample(pool, 80), key=lambda p: p.code)
            pool_picker = _Picker([p.id for p in pool], [rng.lognormvariate(0, 1) for _ in pool])
            process_by_id = {p.id: p for p in pool}
            journey_metrics: list[str] = []
            if rng.random() < 0.9:
                journey_metrics.append(
                    f"{{metric: nps, phase: after, value: {rng.randint(-40, 50)}, "
                    f"sample_size: {rng.randint(40, 1500)}, date: {SURVEY_DATE}}}"
                )
            stages: list[_Stage] = []
            template = STAGE_TEMPLATES[template_key]
            for s in range(size.stages_per_journey):
                stage_name, doing = template[s % len(template)]
                dip = -2.5 * math.sin(math.pi * (s + 0.5) / size.stages_per_journey)
                stage_metrics = [
                    f"{{metric: emotion, phase: {phase}, value: "
                    f"{max(-3, min(3, round(1 + dip + shift + rng.gauss(0, 0.7))))}}}"
                    for phase, shift in (("before", 0.3), ("during", 0.0), ("after", -0.2))
                ]
                if rng.random() < 0.25:
                    if rng.random() < 0.5:
                        value = f"{rng.uniform(2.0, 4.8):.1f}"
                        metric, phase = "csat", "after"
                    else:
                        value = f"{rng.uniform(2.0, 6.5):.1f}"
                        metric, phase = "ces", "during"
                    stage_metrics.append(
                        f"{{metric: {metric}, phase: {phase}, value: {value}, "
                        f"sample_size: {rng.randint(20, 800)}, date: {SURVEY_DATE}}}"
                    )
                touchpoints: list[_Touchpoint] = []
                for _ in range(per_stage[j * size.stages_per_journey + s]):
                    tp_number += 1
                    channel = channel_picker.pick(rng)
                    _, channel_name, _, _, verb, evidence = channel_info[channel]
                    supporting = pool_picker.distinct(rng, rng.choice((0, 1, 1, 1, 2, 2, 3)))
                    owners = [process_by_id[p].owner for p in supporting]
                    involved = len({o for o in owners if o})
                    tp_id = f"tp-{tp_number:05d}"
                    for process_id in supporting:
                        process_by_id[process_id].touchpoints.append(tp_id)
                    if rng.random() < 0.05:
                        owner = ""  # an ownership gap
                    elif owners and owners[0] and rng.random() < 0.6:
                        owner = owners[0]
                    else:
                        owner = self.team(rng, "cx")
                    tp = _Touchpoint(
                        id=tp_id,
                        name=f"{stage_name}: {verb[0].lower()}{verb[1:]}",
                        action=f"Customer {doing} via {channel_name.lower()}",
                        evidence=evidence,
                        channel=channel,
                        needs=need_picker.distinct(rng, rng.choice((0, 1, 1, 2, 2, 3))),
                        moment_of_truth=rng.random() < 0.1,
                        owner=owner,
                        systems=systems.distinct(rng, rng.choice((0, 1, 1, 2, 2, 3, 4))),
                        verified=_verified(rng),
                        teams_involved=involved,
                    )
                    if rng.random() < 0.35:
                        emotion = max(-3, min(3, round(dip + rng.gauss(0, 1))))
                        tp.metrics.append(f"{{metric: emotion, phase: during, value: {emotion}}}")
                    if rng.random() < 0.15:
                        tp.metrics.append(
                            f"{{metric: csat, phase: after, value: {rng.uniform(1.5, 4.9):.1f}, "
                            f"sample_size: {rng.randint(10, 400)}, date: {SURVEY_DATE}}}"
                        )
                    touchpoints.append(tp)
                    self.touchpoints.append(tp)
                stages.append(
                    _Stage(
                        f"st-{j + 1:04d}-{s + 1:02d}",
                        stage_name,
                        f"The customer {doing}.",
                        stage_metrics,
                        touchpoints,
                    )
                )
            sequence = [tp for stage in stages for tp in stage.touchpoints]
            for position, tp in enumerate(sequence[:-2]):
                if rng.random() < 0.03:  # a branch: the next one, or skip it
                    tp.next = [sequence[position + 1].id, sequence[position + 2].id]
            # Each touchpoint leads to the following one, except the last, unless `next` says
            # otherwise (branches are never on the last two).
            self.rel("NEXT", sum(len(tp.next or ["x"]) for tp in sequence) - 1)
            self.journeys.append(
                _Journey(
                    id=f"j-{j + 1:04d}",
                    name=name,
                    description=f"{theme} for the {segment_names[segment].lower()} segment, "
                    f"from '{template[0][0].lower()}' to '{template[-1][0].lower()}'.",
                    personas=chosen,
                    owner="" if rng.random() < 0.05 else self.team(rng, "cx"),
                    verified=_verified(rng),
                    metrics=journey_metrics,
                    stages=stages,
                )
            )
        self.place_pain_points(rng)
        self.count_journeys()

    def place_pain_points(self, rng: random.Random) -> None:
        """Pain points pile up on a few touchpoints, above all on hand-offs between teams."""
        weights = [
            rng.paretovariate(1.6) * (1 + 1.5 * max(0, tp.teams_involved - 1))
            for tp in self.touchpoints
        ]
        categories = list(PAIN_CATEGORIES)
        for number, index in enumerate(
            rng.choices(range(len(self.touchpoints)), weights, k=self.size.pain_points), start=1
        ):
            tp = self.touchpoints[index]
            if tp.teams_involved > 1 and rng.random() < 0.4:
                category = "handoff"
            else:
                category = rng.choice(categories)
            name = rng.choice(PAIN_CATEGORIES[category])
            severity = _weighted(rng, (("1", 5), ("2", 15), ("3", 35), ("4", 30), ("5", 15)))
            tp.pains.append(
                _Pain(
                    f"pp-{number:05d}",
                    name,
                    f"{name} when the customer is at '{tp.name}'.",
                    int(severity),
                    category,
                )
            )

    def count_journeys(self) -> None:
        stages = [s for j in self.journeys for s in j.stages]
        tps = self.touchpoints
        self.node("Journey", len(self.journeys))
        self.node("Stage", len(stages))
        self.node("Touchpoint", len(tps))
        self.node("PainPoint", sum(len(tp.pains) for tp in tps))
        measurements = sum(len(j.metrics) for j in self.journeys)
        measurements += sum(len(s.metrics) for s in stages) + sum(len(tp.metrics) for tp in tps)
        self.node("Measurement", measurements)
        self.rel("OF", measurements)
        self.rel("FOR_PERSONA", sum(len(j.personas) for j in self.journeys))
        self.rel("OWNS", sum(1 for j in self.journeys if j.owner))
        self.rel("HAS_STAGE", len(stages))
        self.rel("HAS_TOUCHPOINT", len(tps))
        self.rel("VIA", len(tps))
        self.rel("ADDRESSES", sum(len(tp.needs) for tp in tps))
        self.rel("OWNS", sum(1 for tp in tps if tp.owner))
        self.rel("SUPPORTS", sum(len(tp.systems) for tp in tps))
        self.rel("SUPPORTS", sum(len(p.touchpoints) for p in self.processes))
        self.rel("OCCURS_AT", sum(len(tp.pains) for tp in tps))

    def journey_text(self, journey: _Journey) -> list[str]:
        lines = [f"  - id: {journey.id}", f"    name: {_q(journey.name)}"]
        lines.append(f"    description: {_q(journey.description)}")
        if len(journey.personas) == 1:
            lines.append(f"    persona: {journey.personas[0]}")
        else:
            lines.append(f"    persona: {_ylist(journey.personas)}")
        if journey.owner:
            lines.append(f"    owner: {journey.owner}")
        if journey.verified:
            lines.append(f"    verified_at: {journey.verified}")
        if journey.metrics:
            lines.append("    metrics:")
            lines += [f"      - {m}" for m in journey.metrics]
        lines.append("    stages:")
        for stage in journey.stages:
            lines += [f"      - id: {stage.id}", f"        name: {_q(stage.name)}"]
            lines.append(f"        description: {_q(stage.description)}")
            lines.append("        metrics:")
            lines += [f"          - {m}" for m in stage.metrics]
            if not stage.touchpoints:
                continue
            lines.append("        touchpoints:")
            for tp in stage.touchpoints:
                lines += self.touchpoint_text(tp)
        return lines

    def touchpoint_text(self, tp: _Touchpoint) -> list[str]:
        pad = "            "
        lines = [f"          - id: {tp.id}", f"{pad}name: {_q(tp.name)}"]
        lines.append(f"{pad}action: {_q(tp.action)}")
        lines.append(f"{pad}evidence: {_q(tp.evidence)}")
        lines.append(f"{pad}channel: {tp.channel}")
        if tp.needs:
            lines.append(f"{pad}needs: {_ylist(tp.needs)}")
        lines.append(f"{pad}moment_of_truth: {'true' if tp.moment_of_truth else 'false'}")
        if tp.owner:
            lines.append(f"{pad}owner: {tp.owner}")
        if tp.systems:
            lines.append(f"{pad}systems: {_ylist(tp.systems)}")
        if tp.next is not None:
            lines.append(f"{pad}next: {_ylist(tp.next)}")
        if tp.verified:
            lines.append(f"{pad}verified_at: {tp.verified}")
        if tp.metrics:
            lines.append(f"{pad}metrics:")
            lines += [f"{pad}  - {m}" for m in tp.metrics]
        if tp.pains:
            lines.append(f"{pad}pain_points:")
            for pain in tp.pains:
                lines += [
                    f"{pad}  - id: {pain.id}",
                    f"{pad}    name: {_q(pain.name)}",
                    f"{pad}    description: {_q(pain.description)}",
                    f"{pad}    severity: {pain.severity}",
                    f"{pad}    category: {pain.category}",
                ]
        return lines

    def write_journeys(self, catalog: str) -> list[Path]:
        folder = self.out / "journeys"
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / "catalog.yaml"]
        paths[0].write_text(catalog + "\n", encoding="utf-8")
        n_files = min(10, len(self.journeys))
        per_file = math.ceil(len(self.journeys) / n_files)
        for number in range(n_files):
            chunk = self.journeys[number * per_file : (number + 1) * per_file]
            if not chunk:
                continue
            lines = [f"# {COMPANY}: journey maps {chunk[0].id} to {chunk[-1].id}.", ""]
            lines.append("journeys:")
            for journey in chunk:
                lines += self.journey_text(journey)
            path = folder / f"journeys-{number + 1:02d}.yaml"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
        paths.append(self.write_opportunities(folder / "opportunities.yaml"))
        return paths

    def write_opportunities(self, path: Path) -> Path:
        """The improvement backlog: in its own file, after the pain points it addresses."""
        rng = _rng(self.seed, "opportunities")
        pains = [(pain, tp) for tp in self.touchpoints for pain in tp.pains]
        picker = _Picker([p.id for p, _ in pains], [p.severity**2 for p, _ in pains])
        by_id = {p.id: (p, tp) for p, tp in pains}
        lines = [f"# {COMPANY}: the improvement backlog.", "", "opportunities:"]
        for number in range(1, self.size.opportunities + 1):
            addresses = picker.distinct(rng, rng.choice((1, 1, 1, 2, 2, 3)))
            first, tp = by_id[addresses[0]]
            name = f"{rng.choice(OPPORTUNITY_STARTS)} {tp.name.split(':')[0].lower()}"
            owner = "" if rng.random() < 0.1 else (tp.owner or self.team(rng, "cx"))
            lines += [f"  - id: opp-{number:04d}", f"    name: {_q(name)}"]
            lines.append(f"    description: {_q(f'Addresses: {first.name.lower()}.')}")
            lines.append(f"    status: {_weighted(rng, OPPORTUNITY_STATUSES)}")
            if owner:
                lines.append(f"    owner: {owner}")
            lines.append(f"    addresses: {_ylist(addresses)}")
            self.rel("OWNS", 1 if owner else 0)
            self.rel("ADDRESSES", len(addresses))
        self.node("Opportunity", self.size.opportunities)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    # --- customers and feedback (streamed) -----------------------------------------------

    def write_customers(self) -> Path:
        rng = _rng(self.seed, "customers")
        path = self.out / "customers.csv"
        segment_picker = _Picker(self.segments, _power_weights(len(self.segments), 0.9))
        first_day = dt.date(2008, 1, 1)
        span = (dt.date(2026, 9, 30) - first_day).days
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(["id", "name", "segment", "personas", "since"])
            personas_total = segments_total = 0
            for number in range(1, self.size.customers + 1):
                segment = "" if rng.random() < 0.03 else segment_picker.pick(rng)
                home = self.personas_by_segment.get(segment) or self.personas
                r = rng.random()
                wanted = 0 if r < 0.03 else 1 if r < 0.63 else 2 if r < 0.93 else 3
                personas: list[str] = []
                for _ in range(2 * wanted):
                    if len(personas) >= wanted:
                        break
                    persona = rng.choice(home if rng.random() < 0.85 else self.personas)
                    if persona not in personas:
                        personas.append(persona)
                since = span - min(span, int(rng.expovariate(1 / 1100)))
                out.writerow(
                    [
                        f"c-{number:06d}",
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        segment,
                        ";".join(personas),
                        (first_day + dt.timedelta(days=since)).isoformat(),
                    ]
                )
                personas_total += len(personas)
                segments_total += 1 if segment else 0
        self.node("Customer", self.size.customers)
        self.rel("IN_SEGMENT", segments_total)
        self.rel("HAS_PERSONA", personas_total)
        return path

    def write_feedback(self) -> Path:
        rng = _rng(self.seed, "feedback")
        path = self.out / "feedback.csv"
        tps = self.touchpoints
        tp_picker = _Picker(
            [tp.id for tp in tps],
            [rng.lognormvariate(0, 0.8) * (1 + 2 * len(tp.pains)) for tp in tps],
        )
        pain_categories = [
            _Picker([p.category for p in tp.pains], [p.severity for p in tp.pains])
            if tp.pains
            else None
            for tp in tps
        ]
        matches = [Counter(p.category for p in tp.pains) for tp in tps]
        other_categories = [*PAIN_CATEGORIES, *FEEDBACK_ONLY_CATEGORIES]
        n_customers = self.size.customers
        stride = round(n_customers * 0.618034) or 1
        while math.gcd(stride, n_customers) != 1:
            stride += 1
        offset = rng.randrange(n_customers)
        n = self.size.feedback
        days = (FEEDBACK_END - FEEDBACK_START).days + 1
        dates = [(FEEDBACK_START + dt.timedelta(days=d)).isoformat() for d in range(days)]
        kinds = [k for k, _ in FEEDBACK_KINDS]
        kind_weights = list(accumulate(w for _, w in FEEDBACK_KINDS))
        given_by = evidences = channel_only = 0
        # the loader derives one monthly measurement per touchpoint and metric from scores,
        # and one per channel and metric from the scores given on the channel
        scored: set[tuple[int, str, str]] = set()
        scored_channels: set[tuple[str, str, str]] = set()
        only_channel = _rng(self.seed, "feedback-channel")
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = _csv_writer(handle)
            out.writerow(
                [
                    *("id", "customer", "touchpoint", "channel", "date", "kind"),
                    *("metric", "score", "category", "text"),
                ]
            )
            for number in range(1, n + 1):
                index = tp_picker.index(rng)
                by_channel = only_channel.random() < CHANNEL_ONLY_SHARE
                kind = kinds[bisect_right(kind_weights, rng.random() * kind_weights[-1])]
                customer = ""
                if rng.random() >= 0.05:  # a few anonymous reviews and surveys
                    # Skewed: customer rank r gets feedback with density ~ r^-0.45, so a few
                    # customers give hundreds of records; the stride scatters the ranks.
                    rank = int(n_customers * rng.random() ** 1.8)
                    customer = f"c-{(rank * stride + offset) % n_customers + 1:06d}"
                    given_by += 1
                metric = score = category = text = ""
                pains = pain_categories[index]
                if kind in ("complaint", "ticket"):
                    if pains is not None and rng.random() < 0.8:
                        category = pains.pick(rng)
                    else:
                        category = rng.choice(other_categories)
                    text = rng.choice(CATEGORY_TEXTS[category])
                else:
                    metric = "csat" if kind == "review" else rng.choice(("csat", "nps", "ces"))
                    low = rng.random() < (0.5 if pains is not None else 0.2)
                    if metric == "csat":
                        score = str(rng.randint(1, 2) if low else rng.randint(3, 5))
                    elif metric == "nps":
                        score = str(rng.randint(0, 6) if low else rng.randint(7, 10))
                    else:
                        score = str(rng.randint(5, 7) if low else rng.randint(1, 4))
                    if low and pains is not None and rng.random() < 0.3:
                        category = pains.pick(rng)
                    text = rng.choice(SURVEY_TEXTS)
                if category and not by_channel:  # channel-only feedback evidences nothing
                    evidences += matches[index][category]
                date = dates[(number - 1) * days // n]
                if metric:
                    if not by_channel:
                        scored.add((index, metric, date[:7]))
                    scored_channels.add((tps[index].channel, metric, date[:7]))
                channel_only += by_channel
                out.writerow(
                    [
                        f"fb-{number:07d}",
                        customer,
                        "" if by_channel else tps[index].id,
                        tps[index].channel if by_channel else "",
                        date,
                        kind,
                        metric,
                        score,
                        category,
                        text,
                    ]
                )
        self.node("Feedback", n)
        self.rel("ABOUT", n - channel_only)
        self.rel("VIA", channel_only)
        self.rel("GIVEN_BY", given_by)
        self.rel("EVIDENCES", evidences)
        self.node("Measurement", len(scored) + len(scored_channels))
        self.rel("OF", len(scored) + len(scored_channels))
        return path

    # --- everything ----------------------------------------------------------------------

    def run(self) -> GeneratedFiles:
        self.out.mkdir(parents=True, exist_ok=True)
        self.build_teams()
        teams = self.write_teams()
        people = self.write_people()
        systems = self.build_and_write_systems()
        self.build_processes()
        catalog = self.build_catalog()
        self.build_journeys()
        journeys = self.write_journeys(catalog)
        processes = self.write_processes()
        customers = self.write_customers()
        feedback = self.write_feedback()
        sources = [("teams", teams), ("people", people), ("systems", systems)]
        sources += [("journeys", path) for path in journeys]
        sources += [("processes", processes), ("customers", customers), ("feedback", feedback)]
        counts = {key: value for key, value in sorted(self.counts.items()) if value}
        return GeneratedFiles(self.out, sources, counts)


def generate(out_dir: Path, *, scale: float = 1.0, seed: int = 1) -> GeneratedFiles:
    """Write the reference enterprise at `scale` into `out_dir` (created if needed).

    The same `scale` and `seed` write byte-identical files. Returns the files in a load
    order that works (also one file at a time) and the node and relationship counts that
    loading them all creates.
    """
    return _Generator(Path(out_dir), scale, seed).run()
