"""The survey templates that ship with Weft. The classic network survey follows the questions
network mappers ask members (Polinode's and Kumu's guides to relationship surveys): who you
work with and how, how strong each relationship is, who you could bring in."""

from coalitions.surveys.models import QuestionKind

CLASSIC = "classic"

TEMPLATES: dict[str, dict] = {
    CLASSIC: {
        "label": "Classic network survey",
        "questions": [
            {
                "kind": QuestionKind.RELATIONSHIP_GRID,
                "text": "Who does your organisation work with in this coalition, and how?",
                "help_text": "Pick each organisation or person from the map; add someone who "
                "is not on it yet. Say how often you work together, how strong the "
                "relationship is, what you do together and whom you would introduce them to.",
                "required": True,
            },
            {
                "kind": QuestionKind.MULTIPLE_CHOICE,
                "text": "What does your organisation bring to the coalition?",
                "choices": [
                    "People who can turn out",
                    "Expertise and research",
                    "Relationships with decision-makers",
                    "Funding or resources",
                    "Communications and media",
                ],
            },
            {
                "kind": QuestionKind.SINGLE_CHOICE,
                "text": "How involved is your organisation in the coalition's work?",
                "choices": ["Leading", "Active", "Occasional", "Watching"],
            },
            {
                "kind": QuestionKind.SCALE,
                "text": "How much do you trust the coalition's members to follow through on "
                "what they agree? (1: not at all, 5: completely)",
            },
            {
                "kind": QuestionKind.FREE_TEXT,
                "text": "Who is missing from this coalition?",
            },
        ],
    },
}

TEMPLATE_CHOICES = [("", "Start empty"), *((key, t["label"]) for key, t in TEMPLATES.items())]
