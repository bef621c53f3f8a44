"""KPI-3 as rows: per group, the range's totals and featured partners' sales, with
revenue in currency units per currency."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.kpi.sales import RevenueTable, SalesReport, SalesTable, revenue_table, sales_table
from core.reports.values import agent_names, num
from core.store import Store


def money(cents: int) -> Decimal:
    """Cents as currency units with two decimals, exactly (a float would not be)."""
    return Decimal(int(cents)).scaleb(-2)


def _sales_measures(t: SalesTable, rev: RevenueTable, currencies: Sequence[str]
                    ) -> list[dict[str, object]]:
    """The measures of each row of ``t``, with its revenue in each of ``currencies``
    (0.00 where the group sold nothing in it)."""
    conversion, new, existing = t.conversion, t.conversion_new, t.conversion_existing
    per_client = t.talk_per_client_s
    revenue = {c: rev.revenue(c) for c in currencies}
    rows = []
    for i, key in enumerate(t.key.tolist()):
        rows.append({
            "conversations": int(t.conversations[i]), "sales": int(t.sales[i]),
            "conversion_pct": num(100 * conversion[i], 1),
            "new_conversations": int(t.new_conversations[i]), "new_sales": int(t.new_sales[i]),
            "new_conversion_pct": num(100 * new[i], 1),
            "existing_conversations": int(t.existing_conversations[i]),
            "existing_sales": int(t.existing_sales[i]),
            "existing_conversion_pct": num(100 * existing[i], 1),
            **{f"revenue_{c}": money(revenue[c].get(key, 0)) for c in currencies},
            "clients": int(t.clients[i]),
            "talk_per_client_min": num(per_client[i] / 60, 1),
        })
    return rows


def sales_currencies(report: SalesReport) -> list[str]:
    """The currencies the range's sales were made in: one revenue column each."""
    return sorted(set(report.revenue.currency.tolist()))


def sales_rows(report: SalesReport, by: str, store: Store) -> list[dict[str, object]]:
    """KPI-3 per group (``by``, as the report was made): the group by name, then the
    measures, revenue in currency units per currency, talk per client in minutes."""
    if by == "agent":
        label = agent_names(store)
    elif by == "queue":
        queue_name = {q.id: q.name for q in store.queue_rows()}

        def label(q: int) -> str:
            return queue_name.get(q, "-" if q < 0 else str(q))
    else:
        def label(v: str) -> str:
            return v or "-"

    measures = _sales_measures(report.table, report.revenue, sales_currencies(report))
    return [{by: label(k), **m} for k, m in zip(report.table.key.tolist(), measures,
                                                 strict=True)]


def sales_totals(report: SalesReport) -> dict[str, object] | None:
    """KPI-3 of the whole range: not the sum of the groups' rows, since a client who
    spoke to two agents is one client."""
    # No queue's language known: every conversation falls in one group, so the totals
    # follow the very definitions of the groups' rows.
    table = sales_table(report.conversations, "language", queue_language={})
    revenue = revenue_table(report.lines, "language", queue_language={})
    rows = _sales_measures(table, revenue, sales_currencies(report))
    return rows[0] if rows else None


def partner_rows(report: SalesReport) -> list[dict[str, object]]:
    """Featured partners' sales lines per partner id and currency: count and revenue
    in currency units."""
    rev = report.revenue
    sums: dict[tuple[str, str], list[int]] = {}
    for p, c, n, cents in zip(rev.partner_id.tolist(), rev.currency.tolist(),
                              rev.sales.tolist(), rev.revenue_cents.tolist(), strict=True):
        if p is not None:
            cell = sums.setdefault((p, c), [0, 0])
            cell[0] += n
            cell[1] += cents
    return [{"partner": p, "currency": c, "sales": n, "revenue": money(cents)}
            for (p, c), (n, cents) in sorted(sums.items())]
