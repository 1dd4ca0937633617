import React, { useCallback, useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Combobox, Field, FieldSet, Stack, Text, TextLink } from '@grafana/ui';

import { type AppSettings, DATASOURCE_TYPE, DEFAULT_DATASOURCE_UID } from '../../constants';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/** A Shotline datasource as Grafana's datasource API lists it. */
interface DatasourceInfo {
  uid: string;
  name: string;
  type: string;
  url: string;
}

/** What GET /api/datasources/uid/<uid>/health answers (the backend's CheckHealth). */
interface HealthResult {
  status: string;
  message: string;
}

type Health = { state: 'idle' } | { state: 'checking' } | { state: 'done'; ok: boolean; message: string };

/** The error message in a failed Grafana API answer (its body's `message`), else the error itself. */
function messageOf(err: unknown): string {
  const data = (err as { data?: { message?: string } })?.data;
  if (data?.message) {
    return data.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The app's configuration: which Shotline datasource the app uses, its relay
 * URL (set on the datasource, where the service token also lives) and a
 * health check that asks the datasource backend, which calls the relay's
 * /readyz and names any dependency that is down.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData } = plugin.meta;
  const [datasources, setDatasources] = useState<DatasourceInfo[] | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [uid, setUid] = useState<string>(jsonData?.datasourceUid || DEFAULT_DATASOURCE_UID);
  const [health, setHealth] = useState<Health>({ state: 'idle' });
  const [saved, setSaved] = useState<string | undefined>();

  useEffect(() => {
    getBackendSrv()
      .get<DatasourceInfo[]>('/api/datasources')
      .then((all) => setDatasources(all.filter((d) => d.type === DATASOURCE_TYPE)))
      .catch((err) => setLoadError(messageOf(err)));
  }, []);

  const selected = datasources?.find((d) => d.uid === uid);

  const checkHealth = useCallback(async () => {
    setHealth({ state: 'checking' });
    try {
      const result = await getBackendSrv().get<HealthResult>(
        `/api/datasources/uid/${encodeURIComponent(uid)}/health`,
        undefined,
        undefined,
        {
          showErrorAlert: false,
        }
      );
      setHealth({ state: 'done', ok: result.status === 'OK', message: result.message });
    } catch (err) {
      // A failing check answers 400 with the backend's message (which dependency is down).
      setHealth({ state: 'done', ok: false, message: messageOf(err) });
    }
  }, [uid]);

  const save = async () => {
    await lastValueFrom(
      getBackendSrv().fetch({
        url: `/api/plugins/${plugin.meta.id}/settings`,
        method: 'POST',
        data: { enabled, pinned, jsonData: { ...jsonData, datasourceUid: uid } },
      })
    );
    setSaved(uid);
  };

  return (
    <Stack direction="column" gap={2}>
      <FieldSet label="Relay service">
        {loadError && (
          <Alert severity="error" title="Cannot list datasources">
            {loadError}
          </Alert>
        )}
        {datasources && datasources.length === 0 && (
          <Alert severity="warning" title="No Shotline datasource">
            Add a datasource of type Shotline (or provision one with uid &quot;{DEFAULT_DATASOURCE_UID}&quot;) with the
            relay-service URL and a service token.
          </Alert>
        )}
        <Field label="Datasource" description="The Shotline datasource the app uses">
          <Combobox<string>
            id="app-config-datasource"
            width={40}
            value={uid}
            options={(datasources ?? []).map((d) => ({ label: d.name, value: d.uid, description: d.url }))}
            createCustomValue
            onChange={(option) => {
              setUid(option.value);
              setHealth({ state: 'idle' });
            }}
          />
        </Field>
        <Field label="Relay URL" description="Set on the datasource, with the service token">
          <Text element="p" data-testid="app-config-relay-url">
            {selected ? selected.url || '(not set)' : datasources ? `no Shotline datasource with uid "${uid}"` : '…'}
          </Text>
        </Field>
        {selected && (
          <Text element="p">
            <TextLink href={`/connections/datasources/edit/${selected.uid}`}>Edit the datasource</TextLink>
          </Text>
        )}
        <Stack direction="row" gap={1}>
          <Button variant="secondary" icon="heart-rate" onClick={checkHealth} disabled={health.state === 'checking'}>
            Check relay health
          </Button>
          <Button onClick={save} disabled={uid === (jsonData?.datasourceUid || DEFAULT_DATASOURCE_UID) && !saved}>
            Save
          </Button>
        </Stack>
        {health.state === 'done' && (
          <Alert severity={health.ok ? 'success' : 'error'} title={health.ok ? 'Relay ready' : 'Relay not ready'}>
            {health.message}
          </Alert>
        )}
        {saved && <Text color="secondary">Saved: the app uses datasource &quot;{saved}&quot;.</Text>}
      </FieldSet>
    </Stack>
  );
};

export default AppConfig;
