{{- define "overcast.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "overcast.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: api, worker, postgresql, redis. */}}
{{- define "overcast.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "overcast.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "overcast.secretName" -}}
{{ .Values.settings.existingSecret | default (printf "%s-settings" (include "overcast.fullname" .)) }}
{{- end -}}

{{/* The value a key already has in this release's Secret (kept across upgrades), else `fallback`. */}}
{{- define "overcast.kept" -}}
{{- $secret := lookup "v1" "Secret" .root.Release.Namespace (printf "%s-settings" (include "overcast.fullname" .root)) -}}
{{- if and $secret (index ($secret.data | default dict) .key) -}}
{{- index $secret.data .key | b64dec -}}
{{- else -}}
{{- .fallback -}}
{{- end -}}
{{- end -}}

{{- define "overcast.postgresPassword" -}}
{{- $kept := include "overcast.kept" (dict "root" . "key" "POSTGRES_PASSWORD" "fallback" (.Values.postgresql.password | default (randAlphaNum 32))) -}}
{{- $kept -}}
{{- end -}}

{{/* Both services: the settings Secret, and the settings folder (settings.json is written there). */}}
{{- define "overcast.settingsEnv" -}}
envFrom:
  - secretRef:
      name: {{ include "overcast.secretName" . }}
env:
  - name: OVERCAST_SETTINGS_DIR
    value: /app/settings
  - name: OVERCAST_PUBLIC_URL
    value: {{ .Values.publicUrl | quote }}
  - name: OVERCAST_TRUSTED_PROXIES
    value: {{ .Values.api.trustedProxies | quote }}
{{- end -}}

{{/* Pod annotations for Prometheus' pod discovery, when metrics are on: `port` serves /metrics. */}}
{{- define "overcast.scrapeAnnotations" -}}
{{- if and .root.Values.metrics.enabled .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{- define "overcast.podSecurity" -}}
securityContext:
  runAsUser: 1000
  runAsGroup: 1000
  runAsNonRoot: true
  fsGroup: 1000
{{- end -}}

{{- define "overcast.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
{{- end -}}
