import { dateTime, type DataQueryRequest, type LiveChannelAddress } from '@grafana/data';
import { type GrafanaLiveSrv, setGrafanaLiveSrv } from '@grafana/runtime';
import { lastValueFrom, of, toArray } from 'rxjs';

import { useBackendSrv } from '../test/backendSrv';
import { shotlineDatasource } from '../test/datasource';
import { templateSrvWith } from '../test/templateSrv';
import { liveAddress } from './live';
import type { ShotlineQuery } from './types';

function request(targets: ShotlineQuery[]): DataQueryRequest<ShotlineQuery> {
  const now = dateTime();
  return {
    requestId: 'Q1',
    interval: '1s',
    intervalMs: 1000,
    range: { from: now, to: now, raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  };
}

describe('DataSource.applyTemplateVariables', () => {
  const templateSrv = templateSrvWith({
    sheet: 'ions',
    campaign: '2026-11-run3',
    channel: ['energy_J', 'pointing/x'],
    material: ['Cu', 'Ti'],
    threshold: '2.5',
    words: 'drift',
  });
  const ds = shotlineDatasource({}, templateSrv);

  it('replaces variables in every member that takes them', () => {
    const query: ShotlineQuery = {
      refId: 'A',
      queryType: 'shots',
      sheet: '$sheet',
      campaign: '${campaign}',
      text: 'pointing $words',
      format: 'timeseries',
      fields: ['channels.${channel}', 'fields.target_thickness'],
      where: [
        { field: 'channels.energy_J', op: '>', value: '$threshold' },
        { field: 'fields.target_material', op: '=', value: '$material' },
        { field: 'fields.note', op: 'contains', value: '$words' },
        { field: 'shotNumber', op: '>=', value: 10 },
      ],
    };
    expect(ds.applyTemplateVariables(query, {})).toEqual({
      refId: 'A',
      queryType: 'shots',
      sheet: 'ions',
      campaign: '2026-11-run3',
      text: 'pointing drift',
      format: 'timeseries',
      // a multi-valued variable gives one list element per value
      fields: ['channels.energy_J', 'channels.pointing/x', 'fields.target_thickness'],
      where: [
        // a variable standing for a number compares as a number
        { field: 'channels.energy_J', op: '>', value: 2.5 },
        // `=` a multi-valued variable means `in` its values
        { field: 'fields.target_material', op: 'in', value: ['Cu', 'Ti'] },
        { field: 'fields.note', op: 'contains', value: 'drift' },
        { field: 'shotNumber', op: '>=', value: 10 },
      ],
    });
  });

  it('expands channels and takes scoped variables (panel repeats) first', () => {
    const query: ShotlineQuery = { refId: 'B', queryType: 'channels', channels: ['$channel'], campaign: '$campaign' };
    const out = ds.applyTemplateVariables(query, { campaign: { text: 'run4', value: 'run4' } });
    expect(out).toEqual({ refId: 'B', queryType: 'channels', channels: ['energy_J', 'pointing/x'], campaign: 'run4' });
  });

  it('leaves absent members absent and literals as they are', () => {
    const query: ShotlineQuery = { refId: 'C', queryType: 'stats', stat: 'timeSinceLastShot', activeCampaign: true };
    expect(ds.applyTemplateVariables(query, {})).toEqual(query);
  });
});

describe('DataSource live queries', () => {
  it('subscribes to ds/<uid>/<path> with both stream and namespace set', async () => {
    const subscribed: LiveChannelAddress[] = [];
    setGrafanaLiveSrv({
      getDataStream: ({ addr }: { addr: LiveChannelAddress }) => {
        subscribed.push(addr);
        return of({ data: [], key: addr.path });
      },
    } as unknown as GrafanaLiveSrv);
    const ds = shotlineDatasource();

    const responses = await lastValueFrom(
      ds
        .query(
          request([
            { refId: 'A', queryType: 'live', path: 'shots' },
            { refId: 'B', queryType: 'live', path: 'channels' },
          ])
        )
        .pipe(toArray())
    );

    expect(responses).toHaveLength(2);
    expect(subscribed).toEqual([
      { scope: 'ds', stream: 'shotline', namespace: 'shotline', path: 'shots' },
      { scope: 'ds', stream: 'shotline', namespace: 'shotline', path: 'channels' },
    ]);
  });

  it('refuses a live path that is not a stream, naming it', () => {
    expect(() => liveAddress('shotline', 'status')).toThrow('path: "status" is not one of shots, channels');
    expect(() => liveAddress('shotline', undefined)).toThrow('path: "" is not one of shots, channels');
  });
});

describe('DataSource resources', () => {
  it('fetches template-variable values from the backend resources', async () => {
    const calls = useBackendSrv(({ url }) =>
      url.endsWith('/shots/recent')
        ? [
            { text: '412', value: 412 },
            { text: '411', value: 411 },
          ]
        : [{ text: 'Ion line', value: 'ions' }]
    );
    const ds = shotlineDatasource({}, templateSrvWith({ campaign: 'run3' }));

    expect(await ds.metricFindQuery({ refId: 'v', kind: 'sheets' })).toEqual([{ text: 'Ion line', value: 'ions' }]);
    expect(await ds.metricFindQuery({ refId: 'v', kind: 'recentShots', campaign: '$campaign', limit: 2 })).toEqual([
      { text: '412', value: 412 },
      { text: '411', value: 411 },
    ]);
    expect(calls.map((c) => [c.url, c.params])).toEqual([
      ['/api/datasources/uid/shotline/resources/sheets', {}],
      ['/api/datasources/uid/shotline/resources/shots/recent', { campaign: 'run3', limit: 2 }],
    ]);
  });

  it("asks the backend for a sheet's fields", async () => {
    const fields = [
      { text: 'energy_J', value: 'channels.energy_J', type: 'number' },
      { text: 'Target thickness [µm]', value: 'fields.target_thickness', type: 'number' },
    ];
    const calls = useBackendSrv(() => fields);
    const ds = shotlineDatasource();
    expect(await ds.fields('ions line')).toEqual(fields);
    expect(await ds.fields()).toEqual(fields);
    expect(calls.map((c) => [c.url, c.params])).toEqual([
      ['/api/datasources/uid/shotline/resources/fields', { sheet: 'ions line' }],
      ['/api/datasources/uid/shotline/resources/fields', {}],
    ]);
  });

  it('runs annotation queries as annotations queries, starting from the default sheet', () => {
    const ds = shotlineDatasource({ defaultSheet: 'ions' });
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({ queryType: 'annotations', sheet: 'ions' });
    const target = { refId: 'Anno', queryType: 'shots' as const, campaign: 'run3' };
    expect(ds.annotations?.prepareQuery?.({ name: 'Shots', enable: true, iconColor: 'red', target })).toEqual({
      ...target,
      queryType: 'annotations',
    });
    expect(ds.getDefaultQuery('dashboard' as never)).toEqual({ queryType: 'shots', format: 'table', sheet: 'ions' });
  });
});
