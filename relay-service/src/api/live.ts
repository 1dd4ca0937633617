import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LIVE_STREAMS, type LiveHub, type LiveStream } from '../live/hub.ts';

export const liveRoutes: FastifyPluginAsyncTypebox<{ hub: LiveHub }> = async (app, { hub }) => {
  app.get(
    '/',
    {
      websocket: true,
      schema: {
        tags: ['live'],
        summary: 'WebSocket feed: {type:"shot"} for each stored shot, {type:"channels"} latest values (rate-limited), {type:"status"}',
        querystring: Type.Object(
          {
            streams: Type.String({ default: 'shots,channels,status', pattern: `^(${LIVE_STREAMS.join('|')})(,(${LIVE_STREAMS.join('|')}))*$`, description: 'comma-separated' }),
            token: Type.Optional(Type.String({ description: 'API token (role viewer), for clients that cannot send Authorization on a WebSocket (browsers)' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    (socket, request) => {
      const streams = [...new Set(request.query.streams.split(','))] as LiveStream[];
      hub.add(socket, streams);
    },
  );
};
