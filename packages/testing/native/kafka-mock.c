/*
 * kafka-mock: a Kafka-protocol test broker for Sluice's tests, built on librdkafka's mock
 * cluster (rdkafka_mock.h). It starts N brokers on loopback, prints one line
 *
 *     ready <bootstrap servers>
 *
 * and then reads one command per line on stdin, answering each with one line on stdout
 * ("ok ..." or "error <reason>"):
 *
 *     create <topic> <partitions> [replication]   create a topic (the mock has no CreateTopics API)
 *     down <broker id>                            close the broker's connections and refuse new ones
 *     up <broker id>                              accept connections again
 *     leader <topic> <partition> <broker id>      move a partition's leadership
 *     rtt <broker id> <ms>                        add round-trip delay to a broker's responses
 *     errors <api key> <code> [code ...]          answer the next requests of an API with these error codes
 *     bootstraps                                  print the bootstrap servers again
 *     stop                                        destroy the cluster and exit 0
 *
 * End of input (the parent died) stops the cluster too, so a crashed test never leaks brokers.
 * Usage: kafka-mock [brokers]   (default 1)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_err(rd_kafka_resp_err_t err) {
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
                printf("ok\n");
        else
                printf("error %s\n", rd_kafka_err2str(err));
}

int main(int argc, char **argv) {
        int brokers = argc > 1 ? atoi(argv[1]) : 1;
        char errstr[512];
        char line[4096];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mcluster;

        if (brokers < 1 || brokers > 32) {
                fprintf(stderr, "kafka-mock: broker count must be 1..32, got %s\n", argv[1]);
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);

        /* The mock cluster needs a client instance for its own book-keeping; it sends nothing. */
        conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "kafka-mock: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: cannot create client: %s\n", errstr);
                return 1;
        }
        mcluster = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mcluster) {
                fprintf(stderr, "kafka-mock: cannot create the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        printf("ready %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));

        while (fgets(line, sizeof(line), stdin)) {
                char cmd[32] = "", topic[1024] = "";
                int a = 0, b = 0, c = 0;
                line[strcspn(line, "\r\n")] = '\0';
                if (sscanf(line, "%31s", cmd) != 1)
                        continue;
                if (!strcmp(cmd, "create")) {
                        int n = sscanf(line, "%*s %1023s %d %d", topic, &a, &b);
                        if (n < 2 || a < 1) {
                                printf("error usage: create <topic> <partitions> [replication]\n");
                                continue;
                        }
                        reply_err(rd_kafka_mock_topic_create(mcluster, topic, a, n >= 3 && b > 0 ? b : 1));
                } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
                        if (sscanf(line, "%*s %d", &a) != 1) {
                                printf("error usage: %s <broker id>\n", cmd);
                                continue;
                        }
                        reply_err(!strcmp(cmd, "down") ? rd_kafka_mock_broker_set_down(mcluster, a)
                                                       : rd_kafka_mock_broker_set_up(mcluster, a));
                } else if (!strcmp(cmd, "leader")) {
                        if (sscanf(line, "%*s %1023s %d %d", topic, &a, &b) != 3) {
                                printf("error usage: leader <topic> <partition> <broker id>\n");
                                continue;
                        }
                        reply_err(rd_kafka_mock_partition_set_leader(mcluster, topic, a, b));
                } else if (!strcmp(cmd, "rtt")) {
                        if (sscanf(line, "%*s %d %d", &a, &c) != 2) {
                                printf("error usage: rtt <broker id> <ms>\n");
                                continue;
                        }
                        reply_err(rd_kafka_mock_broker_set_rtt(mcluster, a, c));
                } else if (!strcmp(cmd, "errors")) {
                        rd_kafka_resp_err_t errs[64];
                        size_t cnt = 0;
                        int consumed = 0, api = 0, code = 0;
                        const char *p = line;
                        if (sscanf(p, "%*s %d%n", &api, &consumed) != 1) {
                                printf("error usage: errors <api key> <code> [code ...]\n");
                                continue;
                        }
                        p += consumed;
                        while (cnt < 64 && sscanf(p, "%d%n", &code, &consumed) == 1) {
                                errs[cnt++] = (rd_kafka_resp_err_t)code;
                                p += consumed;
                        }
                        if (cnt == 0) {
                                printf("error usage: errors <api key> <code> [code ...]\n");
                                continue;
                        }
                        rd_kafka_mock_push_request_errors_array(mcluster, (int16_t)api, cnt, errs);
                        printf("ok\n");
                } else if (!strcmp(cmd, "bootstraps")) {
                        printf("ok %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
                } else if (!strcmp(cmd, "stop")) {
                        break;
                } else {
                        printf("error unknown command '%s' (create, down, up, leader, rtt, errors, bootstraps, stop)\n", cmd);
                }
        }

        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        printf("stopped\n");
        return 0;
}
