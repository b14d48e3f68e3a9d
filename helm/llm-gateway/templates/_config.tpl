{{/*
The gateway's application.yml (Spring Boot properties, kebab-case). Built as a dict and serialised with toYaml so
every value is escaped correctly. It holds no secret: secret values are files under llm-gateway.secretsDir and the
properties only name those files (api-key-file, admin-token-file, password-file); the Redis URL, which may carry a
password, is an environment variable (llm-gateway.redisUrl).
*/}}
{{- define "llm-gateway.applicationYaml" -}}
{{- $root := . -}}
{{- $v := .Values -}}
{{- $secrets := include "llm-gateway.secretsDir" . -}}

{{- $models := list -}}
{{- range $v.config.models -}}
{{- $m := dict "id" .id "deployment" .deployment -}}
{{- if .ownedBy -}}{{- $_ := set $m "owned-by" .ownedBy -}}{{- end -}}
{{- if .profile -}}{{- $_ := set $m "profile" .profile -}}{{- end -}}
{{- if .type -}}{{- $_ := set $m "type" .type -}}{{- end -}}
{{- if .contextLength -}}{{- $_ := set $m "context-length" (int .contextLength) -}}{{- end -}}
{{- if .tokenizer -}}{{- $_ := set $m "tokenizer" .tokenizer -}}{{- end -}}
{{- with .defaults -}}
{{- $_ := set $m "defaults" (include "llm-gateway.bracketKeys" . | fromYaml) -}}
{{- end -}}
{{- with .price -}}
{{- $price := dict -}}
{{- if hasKey . "inputPerMillion" -}}{{- $_ := set $price "input-per-million" .inputPerMillion -}}{{- end -}}
{{- if hasKey . "outputPerMillion" -}}{{- $_ := set $price "output-per-million" .outputPerMillion -}}{{- end -}}
{{- if hasKey . "cachedInputPerMillion" -}}{{- $_ := set $price "cached-input-per-million" .cachedInputPerMillion -}}{{- end -}}
{{- if $price -}}{{- $_ := set $m "price" $price -}}{{- end -}}
{{- end -}}
{{- $models = append $models $m -}}
{{- end -}}

{{- $deployments := dict -}}
{{- range $name, $d := $v.config.deployments -}}
{{- if $d -}}
{{- $out := dict "type" (default "openai" $d.type) -}}
{{- if $d.baseUrl -}}{{- $_ := set $out "base-url" $d.baseUrl -}}{{- end -}}
{{- if $d.upstreamModel -}}{{- $_ := set $out "upstream-model" $d.upstreamModel -}}{{- end -}}
{{- if $d.apiKeySecretKey -}}{{- $_ := set $out "api-key-file" (printf "%s/providers/%s" $secrets $name) -}}{{- end -}}
{{- with $d.timeouts -}}
{{- $t := dict -}}
{{- if .connect -}}{{- $_ := set $t "connect" .connect -}}{{- end -}}
{{- if .firstByte -}}{{- $_ := set $t "first-byte" .firstByte -}}{{- end -}}
{{- if .betweenChunks -}}{{- $_ := set $t "between-chunks" .betweenChunks -}}{{- end -}}
{{- if $t -}}{{- $_ := set $out "timeouts" $t -}}{{- end -}}
{{- end -}}
{{- with $d.mock -}}
{{- if .chunkDelay -}}{{- $_ := set $out "mock" (dict "chunk-delay" .chunkDelay) -}}{{- end -}}
{{- end -}}
{{- with $d.octo -}}
{{- with .peftModels -}}
{{- $_ := set $out "octo" (dict "peft-models" (include "llm-gateway.bracketKeys" . | fromYaml)) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $d "streamUsage" -}}{{- $_ := set $out "stream-usage" $d.streamUsage -}}{{- end -}}
{{- if hasKey $d "continuousUsage" -}}{{- $_ := set $out "continuous-usage" $d.continuousUsage -}}{{- end -}}
{{- $_ := set $deployments $name $out -}}
{{- end -}}
{{- end -}}

{{- $auth := dict "failure-limit" $v.config.auth.failureLimit "failure-window" $v.config.auth.failureWindow "cache-ttl" $v.config.auth.cacheTtl "cache-max-stale" $v.config.auth.cacheMaxStale -}}
{{- if include "llm-gateway.adminToken.enabled" . -}}
{{- $_ := set $auth "admin-token-file" (printf "%s/admin-token" $secrets) -}}
{{- else if $v.adminToken.hash -}}
{{- $_ := set $auth "admin-token-hash" $v.adminToken.hash -}}
{{- end -}}

{{- $c := $v.config.console -}}
{{- $oidc := dict "scopes" $c.oidc.scopes "user-id-claim" $c.oidc.userIdClaim "roles-claim" $c.oidc.rolesClaim "administrator-groups" $c.oidc.administratorGroups "auditor-groups" $c.oidc.auditorGroups "display-name" $c.oidc.displayName -}}
{{- if $c.oidc.issuerUri -}}
{{- $_ := set $oidc "issuer-uri" $c.oidc.issuerUri -}}
{{- end -}}
{{- if $c.oidc.clientId -}}
{{- $_ := set $oidc "client-id" $c.oidc.clientId -}}
{{- end -}}
{{- if $c.oidc.projectGroupPrefix -}}
{{- $_ := set $oidc "project-group-prefix" $c.oidc.projectGroupPrefix -}}
{{- end -}}
{{- if include "llm-gateway.consoleOidcSecret.enabled" . -}}
{{- $_ := set $oidc "client-secret-file" (printf "%s/oidc-client-secret" $secrets) -}}
{{- end -}}
{{- $console := dict "session-idle-timeout" $c.sessionIdleTimeout "session-max-age" $c.sessionMaxAge "secure-cookie" $c.secureCookie "oidc" $oidc -}}

{{- $database := dict -}}
{{- if include "llm-gateway.embeddedDatabase" . -}}
{{- $_ := set $database "embedded" (dict "data-dir" (printf "%s/postgres" (include "llm-gateway.embeddedDataDir" .))) -}}
{{- else -}}
{{- $_ := set $database "url" (include "llm-gateway.databaseUrl" .) -}}
{{- $_ := set $database "username" $v.externalDatabase.user -}}
{{- $_ := set $database "pool-size" $v.externalDatabase.poolSize -}}
{{- if include "llm-gateway.databasePassword.enabled" . -}}
{{- $_ := set $database "password-file" (printf "%s/database-password" $secrets) -}}
{{- end -}}
{{- end -}}

{{- $l := $v.config.limits -}}
{{- $limits := dict
  "backend" $l.backend
  "on-backend-failure" $l.onBackendFailure
  "default-max-tokens" (int $l.defaultMaxTokens)
  "cache-ttl" $l.cacheTtl
  "lease-duration" $l.leaseDuration
  "redis" (dict "key-prefix" $l.redis.keyPrefix "command-timeout" $l.redis.commandTimeout) -}}

{{- $ledger := $v.config.usage.ledger -}}
{{- $usage := dict "ledger" (dict
  "flush-interval" $ledger.flushInterval
  "batch-size" (int $ledger.batchSize)
  "buffer-capacity" (int $ledger.bufferCapacity)
  "write-timeout" $ledger.writeTimeout
  "shutdown-timeout" $ledger.shutdownTimeout) -}}

{{- $r := $v.config.retrieval -}}
{{- $retrieval := dict
  "max-file-size" $r.maxFileSize
  "ingest-threads" (int $r.ingestThreads)
  "queue-capacity" (int $r.queueCapacity)
  "max-attempts" (int $r.maxAttempts)
  "embed-batch-size" (int $r.embedBatchSize)
  "sync-timeout" $r.syncTimeout -}}
{{- if gt (int $r.searchThreads) 0 }}{{ $_ := set $retrieval "search-threads" (int $r.searchThreads) }}{{ end -}}
{{- if $r.systemTemplate }}{{ $_ := set $retrieval "system-template" $r.systemTemplate }}{{ end -}}
{{- if $r.embeddingModel }}{{ $_ := set $retrieval "embedding-model" $r.embeddingModel }}{{ end -}}

{{- $http := dict "max-body-size" $v.config.http.maxBodySize -}}
{{- $trusted := $v.config.http.trustedProxies -}}
{{- if and (not $trusted) $v.ingress.enabled -}}
{{- $trusted = list "10.0.0.0/8" "172.16.0.0/12" "192.168.0.0/16" "fc00::/7" -}}
{{- end -}}
{{- if $trusted -}}{{- $_ := set $http "trusted-proxies" $trusted -}}{{- end -}}

{{- $gateway := dict
  "models" $models
  "deployments" $deployments
  "http" $http
  "auth" $auth
  "console" $console
  "database" $database
  "limits" $limits
  "usage" $usage
  "retrieval" $retrieval
  "metrics" (dict "caller-tags" $v.config.metrics.callerTags)
  "warm-up" (dict "requests" (int $v.config.warmUp.requests) "timeout" $v.config.warmUp.timeout) -}}

{{- $spring := dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" (int $v.shutdown.phaseTimeoutSeconds))) -}}

{{- $app := dict "gateway" $gateway "spring" $spring "server" (dict "port" $v.containerPort "shutdown" "graceful") -}}
# Generated by the llm-gateway Helm chart from values.yaml (config, externalDatabase, adminToken, shutdown). Secrets
# are not here: the *-file properties name files mounted from Secrets.
# gateway.limits.redis.url is set by the GATEWAY_LIMITS_REDIS_URL environment variable (built from externalRedis,
# with the password expanded from a Secret by Kubernetes).
# gateway.profiles (parameter profiles; the image ships the seed ones) are not modelled by this chart version: add or
# override them through config.extraYaml (loaded after this file as extra.yml).
# gateway.database.migrate is set by the GATEWAY_DATABASE_MIGRATE environment variable of each workload.
{{ toYaml $app }}
{{- end -}}

{{/*
A map whose keys Spring Boot must keep verbatim: each key in brackets ("[top_p]", "[org/a1]"), since Spring drops
characters other than letters, digits, '-' and '.' from unbracketed map keys. Values become strings (the gateway
reads them as JSON texts). Returned as YAML, for fromYaml.
*/}}
{{- define "llm-gateway.bracketKeys" -}}
{{- $out := dict -}}
{{- range $k, $v := . -}}
{{- $_ := set $out (printf "[%s]" $k) (toString $v) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}
