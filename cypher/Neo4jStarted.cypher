// Neo4jStarted answers when the Neo4j process started, in milliseconds since the epoch, as its
// JVM says. reach's pings run it (graph/bolt's DB.Started), so that a restart between two pings,
// which loses every plan Neo4j had made, is seen even when no ping failed.
// Cost: one read of the JVM's runtime attributes over JMX, about 2 ms, once a second per replica.
CALL dbms.queryJmx('java.lang:type=Runtime') YIELD attributes
RETURN attributes.StartTime.value AS started
