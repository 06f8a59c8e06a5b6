export { diabetesExample, irisExample, numberFeeds, type TrainedExample } from './example-models.ts';
