-- The usage ledger's batch write as one function. The statement the gateway sends each flush is then a short call
-- instead of the whole text below, which the R2DBC driver would parse again on every flush (its parser's work grows
-- much faster than the text's length). The records go in with ON CONFLICT DO NOTHING on the request id, and only the
-- rows actually inserted are added to the daily aggregates, in the same statement: writing a batch twice (a retry
-- after a timeout whose commit did happen) counts nothing twice.
CREATE FUNCTION usage_write(p_request_id text[], p_created_ms bigint[], p_key_id text[], p_user_id text[],
                            p_project_id text[], p_model text[], p_deployment text[], p_prompt_tokens integer[],
                            p_completion_tokens integer[], p_cached_prompt_tokens integer[], p_token_source text[],
                            p_cost_picos bigint[], p_status text[], p_error_code text[], p_finish_reason text[],
                            p_latency_ms integer[], p_ttft_ms integer[], p_streamed boolean[], p_chat_id text[],
                            p_client_user text[], p_retrieval boolean[], p_prompt text[], p_completion text[])
    RETURNS void
    LANGUAGE sql
AS $$
WITH batch AS (
  SELECT * FROM unnest(p_request_id, p_created_ms, p_key_id, p_user_id, p_project_id, p_model, p_deployment,
                       p_prompt_tokens, p_completion_tokens, p_cached_prompt_tokens, p_token_source, p_cost_picos,
                       p_status, p_error_code, p_finish_reason, p_latency_ms, p_ttft_ms, p_streamed, p_chat_id,
                       p_client_user, p_retrieval, p_prompt, p_completion)
    AS b(request_id, created_ms, key_id, user_id, project_id, model, deployment, prompt_tokens,
         completion_tokens, cached_prompt_tokens, token_source, cost_picos, status, error_code,
         finish_reason, latency_ms, ttft_ms, streamed, chat_id, client_user, retrieval, prompt,
         completion)
), inserted AS (
  INSERT INTO usage_records (request_id, created_at, key_id, user_id, project_id, model, deployment,
                             prompt_tokens, completion_tokens, total_tokens, cached_prompt_tokens,
                             token_source, cost_usd, status, error_code, finish_reason, latency_ms,
                             ttft_ms, streamed, chat_id, client_user, retrieval, prompt, completion)
  SELECT request_id, to_timestamp(created_ms / 1000.0), key_id, user_id, project_id, model, deployment,
         prompt_tokens, completion_tokens, prompt_tokens + completion_tokens, cached_prompt_tokens,
         token_source, cost_picos / 1000000000000.0, status, error_code, finish_reason, latency_ms,
         ttft_ms, streamed, chat_id, client_user, retrieval, CAST(prompt AS jsonb), completion
  FROM batch
  ON CONFLICT (request_id) DO NOTHING
  RETURNING created_at, project_id, user_id, key_id, model, prompt_tokens, completion_tokens,
            cached_prompt_tokens, cost_usd
)
INSERT INTO usage_daily AS d (project_id, day, user_id, key_id, model, requests, prompt_tokens,
                              completion_tokens, cached_prompt_tokens, cost_usd)
SELECT project_id, CAST(created_at AT TIME ZONE 'UTC' AS date), user_id, key_id, model, count(*),
       sum(prompt_tokens), sum(completion_tokens), sum(coalesce(cached_prompt_tokens, 0)), sum(cost_usd)
FROM inserted
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (project_id, day, user_id, key_id, model) DO UPDATE SET
  requests = d.requests + EXCLUDED.requests,
  prompt_tokens = d.prompt_tokens + EXCLUDED.prompt_tokens,
  completion_tokens = d.completion_tokens + EXCLUDED.completion_tokens,
  cached_prompt_tokens = d.cached_prompt_tokens + EXCLUDED.cached_prompt_tokens,
  cost_usd = d.cost_usd + EXCLUDED.cost_usd
$$;
