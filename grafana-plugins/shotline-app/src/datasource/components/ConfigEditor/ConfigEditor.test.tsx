import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import type { DataSourceSettings } from '@grafana/data';

import type { ShotlineOptions, ShotlineSecureOptions } from '../../types';
import { ConfigEditor, relayUrlProblem } from './ConfigEditor';

function settings(patch: Partial<DataSourceSettings<ShotlineOptions, ShotlineSecureOptions>> = {}) {
  return {
    id: 1,
    uid: 'shotline',
    orgId: 1,
    name: 'Shotline',
    type: 'shotline-shotline-datasource',
    typeName: 'Shotline',
    typeLogoUrl: '',
    access: 'proxy',
    url: 'http://relay:8080',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  } as DataSourceSettings<ShotlineOptions, ShotlineSecureOptions>;
}

describe('ConfigEditor', () => {
  it('keeps the service token in secureJsonData, never in jsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);

    fireEvent.change(screen.getByLabelText(/Service token/), { target: { value: 'tok-123' } });

    const changed = onOptionsChange.mock.calls[0][0];
    expect(changed.secureJsonData).toEqual({ serviceToken: 'tok-123' });
    expect(JSON.stringify(changed.jsonData)).not.toContain('tok-123');
    expect(changed.url).toBe('http://relay:8080');
  });

  it('shows a stored token only as configured, and resetting it clears it', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={settings({ secureJsonFields: { serviceToken: true } })}
        onOptionsChange={onOptionsChange}
      />
    );

    expect(screen.getByLabelText(/Service token/)).toHaveValue('configured');
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));

    const changed = onOptionsChange.mock.calls[0][0];
    expect(changed.secureJsonFields.serviceToken).toBe(false);
    expect(changed.secureJsonData.serviceToken).toBe('');
  });

  it('edits the relay URL and the default sheet', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings({ url: '' })} onOptionsChange={onOptionsChange} />);
    expect(screen.getByText('Enter the relay-service URL, e.g. http://relay:8080')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText(/^URL/), { target: { value: ' http://relay:8080 ' } });
    expect(onOptionsChange.mock.calls[0][0].url).toBe('http://relay:8080');

    fireEvent.change(screen.getByLabelText(/Default sheet/), { target: { value: 'ions' } });
    expect(onOptionsChange.mock.calls[1][0].jsonData).toEqual({ defaultSheet: 'ions' });
  });

  it('says what is wrong with a relay URL', () => {
    expect(relayUrlProblem('relay:8080')).toBe('The URL must start with http:// or https://, not relay://');
    expect(relayUrlProblem('http//relay')).toBe('"http//relay" is not a URL (e.g. http://relay:8080)');
    expect(relayUrlProblem('https://relay.lab:8443')).toBeUndefined();
  });
});
