import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/** The assigner's protocol name, as the group coordinator sees it. */
export const ASSIGNER_NAME = 'SluiceAssignAll';

/**
 * kafkajs has no manual `assign()` (tulios/kafkajs#373), so the reader joins a consumer group
 * private to the query run, and this assigner gives every member every partition of the topics
 * it subscribed to. The broker does not check assignments for overlap, so even a shared
 * `kafka.group.id` leaves each query reading everything it asked for; which offsets are read is
 * decided by seeks, never by the group.
 */
export const assignAllPartitions: PartitionAssigner = ({ cluster }) => ({
  name: ASSIGNER_NAME,
  version: 1,
  protocol: ({ topics }) => ({
    name: ASSIGNER_NAME,
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
  }),
  assign: async ({ members }) =>
    members.map(({ memberId, memberMetadata }) => {
      const { topics } = AssignerProtocol.MemberMetadata.decode(memberMetadata) ?? { topics: [] };
      const assignment: Record<string, number[]> = {};
      for (const topic of topics) assignment[topic] = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }) };
    }),
});
