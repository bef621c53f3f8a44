"""Complaints in the customer's own words (ESC-1): phrases per language, in a chat or
e-mail transcript, that raise a complaint of a category. The floor's seven languages
have defaults; the config file's [escalation.phrases] replaces a language's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.model import ComplaintCategory as C

LANGUAGES = ("en", "es", "it", "fr", "uk", "ru", "pl")

#: Per language, per category, phrases (a phrase matches at the start of a word, any
#: case: "травм" finds травма and травмували). Serious categories are looked for first.
DEFAULT_PHRASES: dict[str, dict[C, tuple[str, ...]]] = {
    "en": {C.LEGAL_THREAT: ("lawyer", "sue you", "legal action", "take you to court"),
           C.HARM: ("injured", "damaged my", "dangerous", "broke my"),
           C.BILLING_ERROR: ("charged twice", "double charge", "overcharged", "wrong bill"),
           C.REPEATED_FAILURE: ("third time", "still not fixed", "keeps failing"),
           C.OTHER: ("i want to complain", "formal complaint")},
    "es": {C.LEGAL_THREAT: ("abogado", "denunciar", "demanda"),
           C.HARM: ("herido", "dañado", "peligroso"),
           C.BILLING_ERROR: ("cobrado dos veces", "cobro doble", "factura errónea"),
           C.REPEATED_FAILURE: ("tercera vez", "sigue sin funcionar"),
           C.OTHER: ("quiero poner una queja", "reclamación")},
    "it": {C.LEGAL_THREAT: ("avvocato", "denuncia", "vie legali"),
           C.HARM: ("ferito", "danneggiato", "pericoloso"),
           C.BILLING_ERROR: ("addebitato due volte", "doppio addebito", "fattura sbagliata"),
           C.REPEATED_FAILURE: ("terza volta", "ancora non funziona"),
           C.OTHER: ("voglio fare reclamo", "reclamo formale")},
    "fr": {C.LEGAL_THREAT: ("avocat", "porter plainte", "poursuivre en justice"),
           C.HARM: ("blessé", "endommagé", "dangereux"),
           C.BILLING_ERROR: ("débité deux fois", "double prélèvement", "facture erronée"),
           C.REPEATED_FAILURE: ("troisième fois", "toujours pas réparé"),
           C.OTHER: ("réclamation", "je veux me plaindre")},
    "uk": {C.LEGAL_THREAT: ("адвокат", "юрист", "до суду"),
           C.HARM: ("травм", "пошкодили", "небезпечн"),
           C.BILLING_ERROR: ("списали двічі", "подвійне списання", "неправильний рахунок"),
           C.REPEATED_FAILURE: ("втретє", "досі не працює"),
           C.OTHER: ("скарг",)},
    "ru": {C.LEGAL_THREAT: ("адвокат", "юрист", "в суд"),
           C.HARM: ("травм", "повредили", "опасн"),
           C.BILLING_ERROR: ("списали дважды", "двойное списание", "неправильный счёт"),
           C.REPEATED_FAILURE: ("в третий раз", "до сих пор не работает"),
           C.OTHER: ("жалоб", "пожаловаться")},
    "pl": {C.LEGAL_THREAT: ("prawnik", "pozew", "do sądu"),
           C.HARM: ("ranny", "uszkodzon", "niebezpieczn"),
           C.BILLING_ERROR: ("pobrano dwa razy", "podwójne obciążenie", "błędna faktura"),
           C.REPEATED_FAILURE: ("trzeci raz", "nadal nie działa"),
           C.OTHER: ("reklamacj", "skarg")},
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class Detection:
    category: C
    phrase: str
    language: str


class PhraseBook:
    """Phrases per language; ``find`` looks in the contact's language first, then in
    the others (a customer may switch language mid-chat)."""

    def __init__(self, phrases: Mapping[str, Mapping[C, Sequence[str]]]) -> None:
        self._patterns: dict[str, list[tuple[C, str, re.Pattern[str]]]] = {}
        for lang, by_category in phrases.items():
            ordered = sorted(by_category.items(), key=lambda kv: kv[0] == C.OTHER)
            self._patterns[lang] = [
                (cat, phrase, re.compile(r"(?<!\w)" + re.escape(_fold(phrase))))
                for cat, words in ordered for phrase in words]

    @classmethod
    def default(cls, overrides: Mapping[str, Mapping[C, Sequence[str]]] | None = None
                ) -> PhraseBook:
        return cls({**DEFAULT_PHRASES, **(overrides or {})})

    def find(self, text: str, language: str | None = None) -> Detection | None:
        folded = _fold(text)
        langs = ([language] if language in self._patterns else []) + [
            lang for lang in self._patterns if lang != language]
        for lang in langs:
            for cat, phrase, pattern in self._patterns[lang]:
                if pattern.search(folded):
                    return Detection(cat, phrase, lang)
        return None
