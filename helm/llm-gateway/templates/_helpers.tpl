{{/* vim: set filetype=mustache: */}}

{{/* Chart name, overridable. */}}
{{- define "llm-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: <release>-<chart>, or the release name alone when it already contains the chart name. */}}
{{- define "llm-gateway.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "llm-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "llm-gateway.labels" -}}
helm.sh/chart: {{ include "llm-gateway.chart" . }}
app.kubernetes.io/name: {{ include "llm-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-gateway
{{- end -}}

{{/* Selector labels of the gateway pods (Deployment, Service, PDB, HPA target, NetworkPolicy, spread). */}}
{{- define "llm-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end -}}

{{/* Labels of the migration Job and its pod: not matched by the gateway selectors. */}}
{{- define "llm-gateway.migrationLabels" -}}
app.kubernetes.io/name: {{ include "llm-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: migration
{{- end -}}

{{- define "llm-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "llm-gateway.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* ServiceAccount of the migration hook pod, which runs before the chart's ServiceAccount exists. */}}
{{- define "llm-gateway.migrationServiceAccountName" -}}
{{- if .Values.migration.serviceAccountName -}}
{{- .Values.migration.serviceAccountName -}}
{{- else if and (not .Values.serviceAccount.create) .Values.serviceAccount.name -}}
{{- .Values.serviceAccount.name -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{- define "llm-gateway.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* "true" when the gateway runs its embedded PostgreSQL. */}}
{{- define "llm-gateway.embeddedDatabase" -}}
{{- if not .Values.externalDatabase.host -}}true{{- end -}}
{{- end -}}

{{/* "true" when the hook Job migrates the external database. */}}
{{- define "llm-gateway.migrationJob" -}}
{{- if and .Values.migration.enabled .Values.externalDatabase.host -}}true{{- end -}}
{{- end -}}

{{- define "llm-gateway.databaseUrl" -}}
{{- with .Values.externalDatabase -}}
{{- printf "jdbc:postgresql://%s:%d/%s?sslmode=%s" .host (int .port) .database .sslMode -}}
{{- end -}}
{{- end -}}

{{/* The chart's own Secret. */}}
{{- define "llm-gateway.secretName" -}}
{{- include "llm-gateway.fullname" . -}}
{{- end -}}

{{/* The hook copy of the database password, for the pre-install/pre-upgrade migration Job. */}}
{{- define "llm-gateway.migrationSecretName" -}}
{{- printf "%s-migration" (include "llm-gateway.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Database password: "true" when there is one, and where it is (secret name and key). */}}
{{- define "llm-gateway.databasePassword.enabled" -}}
{{- if and .Values.externalDatabase.host (or .Values.externalDatabase.existingSecret .Values.externalDatabase.password) -}}true{{- end -}}
{{- end -}}
{{- define "llm-gateway.databasePassword.secretName" -}}
{{- default (include "llm-gateway.secretName" .) .Values.externalDatabase.existingSecret -}}
{{- end -}}
{{- define "llm-gateway.databasePassword.secretKey" -}}
{{- if .Values.externalDatabase.existingSecret -}}{{ .Values.externalDatabase.existingSecretPasswordKey }}{{- else -}}database-password{{- end -}}
{{- end -}}

{{/* Admin token. */}}
{{- define "llm-gateway.consoleOidcSecret.enabled" -}}
{{- if or .Values.consoleOidcClientSecret.existingSecret .Values.consoleOidcClientSecret.value -}}true{{- end -}}
{{- end -}}
{{- define "llm-gateway.consoleOidcSecret.secretName" -}}
{{- default (include "llm-gateway.secretName" .) .Values.consoleOidcClientSecret.existingSecret -}}
{{- end -}}
{{- define "llm-gateway.consoleOidcSecret.secretKey" -}}
{{- if .Values.consoleOidcClientSecret.existingSecret -}}{{ .Values.consoleOidcClientSecret.existingSecretKey }}{{- else -}}oidc-client-secret{{- end -}}
{{- end -}}

{{- define "llm-gateway.adminToken.enabled" -}}
{{- if or .Values.adminToken.existingSecret .Values.adminToken.value -}}true{{- end -}}
{{- end -}}
{{- define "llm-gateway.adminToken.secretName" -}}
{{- default (include "llm-gateway.secretName" .) .Values.adminToken.existingSecret -}}
{{- end -}}
{{- define "llm-gateway.adminToken.secretKey" -}}
{{- if .Values.adminToken.existingSecret -}}{{ .Values.adminToken.existingSecretKey }}{{- else -}}admin-token{{- end -}}
{{- end -}}

{{/* Redis password. */}}
{{- define "llm-gateway.redisPassword.enabled" -}}
{{- if and .Values.externalRedis.host (or .Values.externalRedis.existingSecret .Values.externalRedis.password) -}}true{{- end -}}
{{- end -}}
{{- define "llm-gateway.redisPassword.secretName" -}}
{{- default (include "llm-gateway.secretName" .) .Values.externalRedis.existingSecret -}}
{{- end -}}
{{- define "llm-gateway.redisPassword.secretKey" -}}
{{- if .Values.externalRedis.existingSecret -}}{{ .Values.externalRedis.existingSecretPasswordKey }}{{- else -}}redis-password{{- end -}}
{{- end -}}

{{/* The environment variable the Redis password is read into, for expansion into llm-gateway.redisUrl. */}}
{{- define "llm-gateway.redisPassword.envName" -}}GATEWAY_REDIS_PASSWORD{{- end -}}

{{/*
The gateway's gateway.limits.redis.url (Lettuce's redis://[[user]:password@]host:port/database, rediss:// with TLS),
for the GATEWAY_LIMITS_REDIS_URL environment variable. The password is never in it: it is the dependent variable
reference $(GATEWAY_REDIS_PASSWORD), which Kubernetes expands in the pod from the variable declared just before it.
*/}}
{{- define "llm-gateway.redisUrl" -}}
{{- $r := .Values.externalRedis -}}
{{- $userInfo := "" -}}
{{- if include "llm-gateway.redisPassword.enabled" . -}}
{{- $userInfo = printf "%s:$(%s)@" $r.username (include "llm-gateway.redisPassword.envName" .) -}}
{{- end -}}
{{- $host := $r.host -}}
{{- if and (contains ":" $host) (not (hasPrefix "[" $host)) -}}{{- $host = printf "[%s]" $host -}}{{- end -}}
{{- printf "%s://%s%s:%d/%d" (ternary "rediss" "redis" (eq (toString $r.tls) "true")) $userInfo $host (int $r.port) (int $r.database) -}}
{{- end -}}

{{/* Provider API keys. */}}
{{- define "llm-gateway.providerKeys.secretName" -}}
{{- default (include "llm-gateway.secretName" .) .Values.providerApiKeys.existingSecret -}}
{{- end -}}
{{/* The key of a provider API key in its Secret; the argument is the apiKeySecretKey. */}}
{{- define "llm-gateway.providerKeys.secretKey" -}}
{{- if .root.Values.providerApiKeys.existingSecret -}}{{ .key }}{{- else -}}{{ printf "provider-%s" .key }}{{- end -}}
{{- end -}}

{{/* "true" when the chart creates its own Secret (something secret is given as a value). */}}
{{- define "llm-gateway.secret.enabled" -}}
{{- $providerKeys := and (not .Values.providerApiKeys.existingSecret) .Values.providerApiKeys.keys -}}
{{- $admin := and (not .Values.adminToken.existingSecret) .Values.adminToken.value -}}
{{- $oidc := and (not .Values.consoleOidcClientSecret.existingSecret) .Values.consoleOidcClientSecret.value -}}
{{- $db := and .Values.externalDatabase.host (not .Values.externalDatabase.existingSecret) .Values.externalDatabase.password -}}
{{- $redis := and .Values.externalRedis.host (not .Values.externalRedis.existingSecret) .Values.externalRedis.password -}}
{{- if or $providerKeys $admin $oidc $db $redis -}}true{{- end -}}
{{- end -}}

{{/* Directory of the mounted secrets. */}}
{{- define "llm-gateway.secretsDir" -}}/etc/llm-gateway/secrets{{- end -}}
{{/* Directory of the mounted configuration (SPRING_CONFIG_ADDITIONAL_LOCATION). */}}
{{- define "llm-gateway.configDir" -}}/etc/llm-gateway/config{{- end -}}
{{/* Directory of the embedded PostgreSQL data. */}}
{{- define "llm-gateway.embeddedDataDir" -}}/var/lib/llm-gateway{{- end -}}

{{/* JAVA_TOOL_OPTIONS: heap sized from the container memory limit; no full collection for class metadata while the
gateway starts (the default threshold, about 21 MB, ran three of 100-330 ms); exit (and get restarted) on
OutOfMemoryError. */}}
{{- define "llm-gateway.javaToolOptions" -}}
{{- $opts := printf "-XX:MaxRAMPercentage=%v -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError" .Values.jvm.maxRamPercentage -}}
{{- if .Values.jvm.extraOptions -}}{{- $opts = printf "%s %s" $opts .Values.jvm.extraOptions -}}{{- end -}}
{{- $opts -}}
{{- end -}}

{{/*
Checks the schema cannot express on its own, and repeats the important ones (belt and braces: a chart rendered
with --skip-schema-validation still refuses them).
*/}}
{{- define "llm-gateway.validate" -}}
{{- if include "llm-gateway.embeddedDatabase" . -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- fail "The embedded PostgreSQL (externalDatabase.host empty) supports one replica only: set externalDatabase.host or replicaCount: 1" -}}
{{- end -}}
{{- if .Values.autoscaling.enabled -}}
{{- fail "The embedded PostgreSQL (externalDatabase.host empty) supports one replica only: set externalDatabase.host or autoscaling.enabled: false" -}}
{{- end -}}
{{- end -}}
{{- $limits := .Values.config.limits -}}
{{- if and (eq $limits.backend "redis") (not .Values.externalRedis.host) -}}
{{- fail "config.limits.backend: redis needs a Redis server: set externalRedis.host (and its password: externalRedis.existingSecret or externalRedis.password)" -}}
{{- end -}}
{{- if eq $limits.backend "in-process" -}}
{{- if .Values.autoscaling.enabled -}}
{{- fail "config.limits.backend: in-process keeps the rate-limit, concurrency and budget counters in each pod, so with autoscaling every pod would admit the whole limit or budget: set config.limits.backend: redis with externalRedis.host, or autoscaling.enabled: false" -}}
{{- end -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- fail (printf "config.limits.backend: in-process keeps the rate-limit, concurrency and budget counters in each pod, so %d replicas would admit %d times every limit and budget: set config.limits.backend: redis with externalRedis.host, or replicaCount: 1" (int .Values.replicaCount) (int .Values.replicaCount)) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.externalRedis.host .Values.externalRedis.username (not (include "llm-gateway.redisPassword.enabled" .)) -}}
{{- fail "externalRedis.username needs a password (externalRedis.existingSecret or externalRedis.password): the Redis URL carries no user without one" -}}
{{- end -}}
{{- $s := .Values.shutdown -}}
{{- if ge (add (int $s.preStopSleepSeconds) (int $s.phaseTimeoutSeconds)) (int $s.terminationGracePeriodSeconds) -}}
{{- fail (printf "shutdown.preStopSleepSeconds (%v) + shutdown.phaseTimeoutSeconds (%v) must be less than shutdown.terminationGracePeriodSeconds (%v), or in-flight requests are killed" $s.preStopSleepSeconds $s.phaseTimeoutSeconds $s.terminationGracePeriodSeconds) -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
{{- $modelDeployments := dict -}}
{{- range .Values.config.models -}}
{{- if not (hasKey $.Values.config.deployments .deployment) -}}
{{- fail (printf "config.models: model %q uses deployment %q, which config.deployments does not define" .id .deployment) -}}
{{- end -}}
{{- end -}}
{{- range $name, $d := .Values.config.deployments -}}
{{- if and $d (eq (default "openai" $d.type) "openai") (not $d.baseUrl) -}}
{{- fail (printf "config.deployments.%s: an openai deployment needs baseUrl" $name) -}}
{{- end -}}
{{- if and $d $d.apiKeySecretKey (not $.Values.providerApiKeys.existingSecret) (not (hasKey $.Values.providerApiKeys.keys $d.apiKeySecretKey)) -}}
{{- fail (printf "config.deployments.%s.apiKeySecretKey %q is neither in providerApiKeys.keys nor provided by providerApiKeys.existingSecret" $name $d.apiKeySecretKey) -}}
{{- end -}}
{{- end -}}
{{- if .Values.metrics.serviceMonitor.enabled -}}
{{- if and (not .Values.metrics.serviceMonitor.bearerTokenSecret.name) (not (include "llm-gateway.adminToken.enabled" .)) -}}
{{- fail "metrics.serviceMonitor needs a bearer token for /actuator/prometheus: set metrics.serviceMonitor.bearerTokenSecret.name/key or adminToken.existingSecret/value" -}}
{{- end -}}
{{- end -}}
{{- if .Values.config.extraYaml -}}
{{- $parsed := fromYaml .Values.config.extraYaml -}}
{{- if hasKey $parsed "Error" -}}
{{- fail (printf "config.extraYaml is not a YAML mapping: %s" (get $parsed "Error")) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The projected secret volume of the gateway pods: provider keys, admin token, database password. */}}
{{- define "llm-gateway.secretVolumeSources" -}}
{{- $root := . -}}
{{- $providerItems := list -}}
{{- range $name, $d := .Values.config.deployments -}}
{{- if and $d $d.apiKeySecretKey -}}
{{- $providerItems = append $providerItems (dict "key" (include "llm-gateway.providerKeys.secretKey" (dict "root" $root "key" $d.apiKeySecretKey)) "path" (printf "providers/%s" $name)) -}}
{{- end -}}
{{- end -}}
{{- if $providerItems }}
- secret:
    name: {{ include "llm-gateway.providerKeys.secretName" . }}
    items:
      {{- toYaml $providerItems | nindent 6 }}
{{- end }}
{{- if include "llm-gateway.adminToken.enabled" . }}
- secret:
    name: {{ include "llm-gateway.adminToken.secretName" . }}
    items:
      - key: {{ include "llm-gateway.adminToken.secretKey" . }}
        path: admin-token
{{- end }}
{{- if include "llm-gateway.consoleOidcSecret.enabled" . }}
- secret:
    name: {{ include "llm-gateway.consoleOidcSecret.secretName" . }}
    items:
      - key: {{ include "llm-gateway.consoleOidcSecret.secretKey" . }}
        path: oidc-client-secret
{{- end }}
{{- if include "llm-gateway.databasePassword.enabled" . }}
- secret:
    name: {{ include "llm-gateway.databasePassword.secretName" . }}
    items:
      - key: {{ include "llm-gateway.databasePassword.secretKey" . }}
        path: database-password
{{- end }}
{{- end -}}
