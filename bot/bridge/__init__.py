"""The bridge engine, Discord-free. A message's path, one stage per file:

1. receive   `engine.py` (`RelayEngine.relay/edit/delete`: opt-outs, per-channel `lanes.py`)
2. plan      `plan.py` (who gets which copy, in which language)
3. translate `translate.py` (+ `glossary.py`; markup protected by `bot/pipeline`)
4. compose   `compose.py` (webhook name, reply context, labels, splits)
5. deliver   `deliver/` (`outbox.py` per destination, `pacing.py`, `coalescing.py`,
             `retries.py`, `webhook_calls.py`; `webhook.py`: what a Sender must do)
6. remember  `remember/` (`store.py`: bridges and the message map; `combined_posts.py`;
             `thread_pairs.py`; tables),
             high-water marks in `catch_up.py`, counters in `stats.py`

Other paths through the same stages: `catch_up.py` (messages missed while away, relayed late),
`fill_ins.py` (translations an outage left out). Features: `invites.py`, `optout.py`,
`glossary.py`, `stats.py` (+ `stats_by_day.py`, `stats_chart.py`: the /bridge stats chart),
`reading.py` (the Translate menu).
Vocabulary: `models.py`. docs/ARCHITECTURE.md has the whole path and where state lives.
"""
