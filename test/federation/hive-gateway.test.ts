import { describeGateway } from './gateway-suite';

describe('the WAVE subgraph behind Hive Gateway', () => {
  describeGateway('hive-gateway');
});
