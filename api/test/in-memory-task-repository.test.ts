import { InMemoryTaskRepository } from './support/in-memory-task-repository.js';
import { describeTaskRepositoryContract } from './support/task-repository-contract.js';

describeTaskRepositoryContract(
  'in-memory fake',
  async () => ({ repository: new InMemoryTaskRepository(), close: async () => undefined }),
  { dynamodb: false },
);
