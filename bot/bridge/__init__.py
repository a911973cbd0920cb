"""The bridge engine, Discord-free. A message's path, one stage per file:

1. receive   `engine.py` (`RelayEngine.relay/edit/delete`, `accept` for work handed over by
             another process: opt-outs, per-channel `lanes.py`); the engine runs the stages
2. plan      `plan.py` (who gets which copy, in which language)
3. translate `translate.py` (a copy's words; + `glossary.py`; markup protected by `bot/pipeline`)
4. compose   `compose.py` (webhook name, reply context, footer labels, splits)
5. deliver   `deliver/` (`route.py`: this process's lane, or a hand-over through the Redis
             streams of `handover.py` to the process that posts there; `outbox.py` per destination, `pacing.py`, `coalescing.py`,
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
