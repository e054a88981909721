export { buildFeedConsumer, type FeedConsumer, type FeedConsumerOptions, type FeedConsumerDeps } from './consumer.ts';
