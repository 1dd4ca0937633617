import React, { type ChangeEvent } from 'react';
import {
  type DataSourcePluginOptionsEditorProps,
  onUpdateDatasourceSecureJsonDataOption,
  updateDatasourcePluginResetOption,
} from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';

import type { ShotlineOptions, ShotlineSecureOptions } from '../../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<ShotlineOptions, ShotlineSecureOptions>;

/** Why a relay URL is unusable, or undefined when it is fine. */
export function relayUrlProblem(url: string): string | undefined {
  if (url.trim() === '') {
    return 'Enter the relay-service URL, e.g. http://relay:8080';
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return `The URL must start with http:// or https://, not ${parsed.protocol}//`;
    }
  } catch {
    return `"${url}" is not a URL (e.g. http://relay:8080)`;
  }
  return undefined;
}

/**
 * Datasource settings: the relay-service URL, the default sheet and the
 * relay service token. The token goes to `secureJsonData`: Grafana stores it
 * encrypted and never sends it back to a browser (only `secureJsonFields`
 * says whether it is set); the Go backend reads it and sends it to the relay.
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = options.secureJsonData ?? {};
  const urlProblem = relayUrlProblem(options.url ?? '');

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, url: event.target.value.trim() });
  };

  const onDefaultSheetChange = (event: ChangeEvent<HTMLInputElement>) => {
    const defaultSheet = event.target.value.trim();
    onOptionsChange({ ...options, jsonData: { ...jsonData, defaultSheet: defaultSheet || undefined } });
  };

  return (
    <>
      <FieldSet label="Relay service">
        <Field
          label="URL"
          description="Base URL of the relay-service API, as the Grafana server reaches it (the backend calls it, not the browser)."
          invalid={Boolean(urlProblem)}
          error={urlProblem}
          required
        >
          <Input
            id="config-editor-url"
            width={60}
            value={options.url ?? ''}
            placeholder="http://relay:8080"
            onChange={onUrlChange}
          />
        </Field>
        <Field
          label="Service token"
          description="A relay token with role service (POST /api/v1/tokens). It acts for the Grafana user of each request."
          required
        >
          <SecretInput
            id="config-editor-service-token"
            width={60}
            isConfigured={Boolean(secureJsonFields?.serviceToken)}
            value={secureJsonData.serviceToken ?? ''}
            placeholder="relay service token"
            onChange={onUpdateDatasourceSecureJsonDataOption({ options, onOptionsChange }, 'serviceToken')}
            onReset={() => updateDatasourcePluginResetOption({ options, onOptionsChange }, 'serviceToken')}
          />
        </Field>
      </FieldSet>
      <FieldSet label="Defaults">
        <Field label="Default sheet" description="Shot sheet a new query or annotation starts with (optional).">
          <Input
            id="config-editor-default-sheet"
            width={40}
            value={jsonData.defaultSheet ?? ''}
            placeholder="e.g. ions"
            onChange={onDefaultSheetChange}
          />
        </Field>
      </FieldSet>
    </>
  );
}
