import React from 'react';
import type { AppRootProps } from '@grafana/data';
import { Card, Stack, Text, TextLink } from '@grafana/ui';

import { APP_ID, DASHBOARDS } from '../../constants';

/**
 * The app's landing page: where the Shotline dashboards are. The lab pages
 * (shot entry, trigger monitor) come with the panels issue.
 */
export default function Overview(_props: AppRootProps) {
  return (
    <Stack direction="column" gap={2}>
      <Text element="p">
        Shot data of the laser from the Shotline relay-service. The dashboards below are provisioned into the
        &quot;Shotline&quot; folder; the Shotline datasource and its health check are on the{' '}
        <TextLink href={`/plugins/${APP_ID}`}>configuration page</TextLink>.
      </Text>
      {DASHBOARDS.map((d) => (
        <Card key={d.uid} href={`/d/${d.uid}`}>
          <Card.Heading>{d.title}</Card.Heading>
          <Card.Description>{d.description}</Card.Description>
        </Card>
      ))}
    </Stack>
  );
}
