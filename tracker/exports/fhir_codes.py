"""The codes the FHIR Bundle uses: standard ones (LOINC, HL7 terminology) and this site's own
CodeSystem, whose concepts are listed here with a definition each."""

from django.conf import settings

from tracker.models import Side, SymptomEntry

CODE_SYSTEM_PATH = "/fhir/CodeSystem/probiotic-tracker"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"


def coded(system: str, code: str, display: str) -> dict:
    """A CodeableConcept with one coding."""
    return {"coding": [{"system": system, "code": code, "display": display}]}


BREASTFEEDING_STATUS = coded(LOINC, "63895-7", "Breastfeeding status")
MOTHER_ROLE = coded(TERMINOLOGY + "v3-RoleCode", "MTH", "mother")
REPORTED_BY_PATIENT = coded(
    TERMINOLOGY + "medication-statement-category", "patientspecified", "Patient Specified"
)
SURVEY = [coded(TERMINOLOGY + "observation-category", "survey", "Survey")]
EXAM = [coded(TERMINOLOGY + "observation-category", "exam", "Exam")]
NOT_ANSWERED = coded(TERMINOLOGY + "data-absent-reason", "unknown", "Unknown")

#: The local CodeSystem, as (code, display, definition).
CONCEPTS: tuple[tuple[str, str, str], ...] = (
    ("regurgitation", "Spit-up (regurgitation)", "One spit-up episode. Value: its size (size-* codes)."),
    (
        "crying",
        "Crying or fussing",
        "One bout of crying or fussing. Value: its minutes, as typed or timed from start to stop; "
        "no value (status preliminary) while it is still being timed.",
    ),
    (
        "abdominal-pain",
        "Tummy pain / colic episode",
        "One episode of apparent abdominal pain. Value: the severity the parent saw, 0 (none) to 3 (severe).",
    ),
    (
        "stool",
        "Stool",
        "One stool. Value: its consistency on the Brussels Infant and Toddler Stool Scale, 1 (hard lumps) "
        "to 7 (watery): 1-3 hard, 4 formed, 5-6 loose, 7 watery.",
    ),
    (
        "daily-check",
        "Daily check",
        "The parent's once-a-day answers for one of her local calendar days, so that a day without "
        "symptoms differs from a day without data.",
    ),
    ("vomiting", "Forceful vomiting", "Whether the spit-up was forceful vomiting."),
    ("stool-colour", "Stool colour", "The stool's colour (colour-* codes)."),
    ("straining-time", "Straining before the stool", "Minutes the baby strained before passing it."),
    ("no-symptoms", "No symptoms today", "The parent ticked that the baby had no symptoms that day."),
    (
        "other-than-breast-milk",
        "Anything other than breast milk today",
        "Formula, water or food was given that day; drops of vitamins or medicine don't count (WHO "
        "exclusive breastfeeding). Data absent (unknown) when the parent did not answer.",
    ),
    ("left-breast-time", "Time on the left breast", "Minutes the baby fed on the left breast."),
    ("right-breast-time", "Time on the right breast", "Minutes the baby fed on the right breast."),
    ("breast-switches", "Breast switches", "How many times the baby changed breast during the feed."),
    ("start-side", "Starting breast", "The breast the feed started on (side-* codes)."),
    ("bottle-volume", "Bottle amount", "Millilitres given by bottle during the feed."),
    ("method-breast", "Breast", "Fed at the breast only."),
    ("method-expressed", "Expressed breast milk (bottle)", "Expressed breast milk, by bottle."),
    ("method-formula", "Formula", "Infant formula, by bottle."),
    ("method-mixed", "Mixed", "At the breast and by bottle in the same feed."),
    *((f"side-{value}", label, f"The {value} breast.") for value, label in Side.choices),
    *(
        (f"size-{value}", label, f"A {value} spit-up, as the parent judged it.")
        for value, label in SymptomEntry.Size.choices
    ),
    *(
        (f"colour-{value}", label, f"A {label.lower()} stool.")
        for value, label in SymptomEntry.StoolColour.choices
    ),
)


def code_system_url() -> str:
    """The canonical URL of this site's local CodeSystem."""
    return settings.SITE_URL.rstrip("/") + CODE_SYSTEM_PATH
