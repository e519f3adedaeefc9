package sqlite

// Migrations lets tests make a database of an earlier schema version.
var Migrations = migrations
