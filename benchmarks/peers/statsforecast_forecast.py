"""The forecast benchmark's library peer: statsforecast 2.1.1's MSTL (daily and weekly
seasons of 30-minute data, the trend by AutoETS), the model its documentation gives
for multiple seasonalities such as call volumes, fitted on each series alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Seasons of 30-minute intervals: a day, a week.
SEASONS = [48, 336]


def mstl_forecast(history: np.ndarray, horizon: int) -> np.ndarray:
    """``history``: (series, intervals) of 30-minute counts without gaps; the next
    ``horizon`` intervals of each, as statsforecast's MSTL forecasts them (one core)."""
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS

    k, t = history.shape
    ds = pd.date_range("1999-01-01", periods=t, freq="30min")
    frame = pd.DataFrame({"unique_id": np.repeat(np.arange(k), t),
                          "ds": np.tile(ds, k), "y": history.reshape(-1)})
    model = MSTL(season_length=SEASONS, trend_forecaster=AutoETS(model="ZZN"))
    out = StatsForecast(models=[model], freq="30min", n_jobs=1).forecast(
        df=frame, h=horizon)
    return np.clip(out["MSTL"].to_numpy().reshape(k, horizon), 0, None)
