import { describeGateway } from './gateway-suite';

describe('the WAVE subgraph behind @apollo/gateway', () => {
  describeGateway('apollo-gateway');
});
