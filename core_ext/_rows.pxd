# Row layouts shared by the compiled modules.

# One row of core.model.EVENT_DTYPE, field for field (numpy structured dtypes are packed).
ctypedef packed struct event_t:
    long long seq
    long long ts_ms
    short kind
    long long interaction_id
    int agent_id
    int queue_id
    short channel
    long long value
