import deliveryLane from './delivery-lane';
import rateLimit from './rate-limit';

export default { 'delivery-lane': deliveryLane, 'rate-limit': rateLimit };
