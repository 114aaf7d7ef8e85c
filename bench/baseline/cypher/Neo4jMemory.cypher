// Neo4jMemory answers the server's memory settings, printed beside benchmark results.
// Cost: reads the configuration.
CALL dbms.listConfig()
YIELD name, value
WHERE name STARTS WITH 'server.memory.'
RETURN name, value
