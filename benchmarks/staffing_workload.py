"""A week of 15-minute intervals x 7 languages x 5 channels (23,520 staffing
questions): volumes with a daily wave, a weekly shape and the languages' sizes of a
multilingual floor, each channel with its own handle time and target. Seeded, so
every run asks the same. Nights have intervals with no contacts at all."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INTERVAL_S = 900
DAYS = 7
PER_DAY = 24 * 3600 // INTERVAL_S
LANGUAGES = {"en": 1.0, "es": 0.45, "it": 0.3, "fr": 0.35, "uk": 0.6, "ru": 0.5, "pl": 0.25}
#: channel: contacts a day for the largest language, handle s, share, within s
CHANNELS = {
    "phone": (24_000, 300.0, 0.80, 20.0),
    "chat": (9_000, 420.0, 0.80, 15.0),
    "email": (6_000, 480.0, 0.90, 4 * 3600.0),
    "ticket": (2_500, 600.0, 0.90, 4 * 3600.0),
    "web_request": (1_500, 360.0, 0.90, 4 * 3600.0),
}
WEEKLY = (1.1, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45)


@dataclass(frozen=True)
class StaffingWeek:
    contacts: np.ndarray  # float64, per interval
    handle_s: np.ndarray
    share: np.ndarray
    answer_s: np.ndarray

    def __len__(self) -> int:
        return len(self.contacts)


def week(seed: int = 17) -> StaffingWeek:
    rng = np.random.default_rng(seed)
    hours = (np.arange(PER_DAY) + 0.5) * INTERVAL_S / 3600
    # A day from 07:00 to 23:00 with a late-morning and an early-evening peak; nights
    # near empty.
    wave = (np.exp(-((hours - 11) / 2.5) ** 2) + 0.7 * np.exp(-((hours - 18) / 2.5) ** 2)
            + 0.02)
    wave = np.where((hours < 6) | (hours > 23.5), 0.0005, wave)
    wave /= wave.sum()
    rows = []
    for lang_share in LANGUAGES.values():
        for daily, handle, share, within in CHANNELS.values():
            for d in range(DAYS):
                mean = daily * lang_share * WEEKLY[d] * wave
                # Forecasts are rounded to tenths of a contact, as a planner types them.
                volume = np.round(mean * rng.uniform(0.85, 1.15, PER_DAY), 1)
                rows.append((volume, np.full(PER_DAY, handle), np.full(PER_DAY, share),
                             np.full(PER_DAY, within)))
    cols = [np.concatenate(c) for c in zip(*rows, strict=True)]
    return StaffingWeek(*cols)
