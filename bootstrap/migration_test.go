package bootstrap

import "testing"

func TestMigrationEndsAreNamedWithoutCredentialsOrOptions(t *testing.T) {
	cfg := Config{MongoDBDatabase: "customer"}
	tests := []struct{ spec, name string }{
		{"mongodb://user:p%40ss@db1:27017,db2:27017/shop?replicaSet=rs0&tls=true", "mongodb://db1:27017,db2:27017/shop"},
		{"mongodb://db1:27017/?replicaSet=rs0", "mongodb://db1:27017/customer"},
		{"mongodb://db1", "mongodb://db1/customer"},
		{"mongodb+srv://user:pass@cluster0.example.net/", "mongodb+srv://cluster0.example.net/customer"},
		{"mongodb://db1/my%20shop", "mongodb://db1/my shop"},
	}
	for _, tt := range tests {
		e, err := migrationEnd(cfg, tt.spec, false)
		if err != nil || e.name != tt.name {
			t.Errorf("%s is named %q (%v), want %q", tt.spec, e.name, err, tt.name)
		}
	}
}

func TestMigrationMessagesShowNoCredentials(t *testing.T) {
	for spec, want := range map[string]string{
		"mongodb://user:secret@db1:27017/shop?tls=true": "mongodb://db1:27017/shop?tls=true",
		"mongodb://user:secret@/shop":                   "mongodb:///shop",
		"sqlite:/var/data":                              "sqlite:/var/data",
	} {
		if got := withoutCredentials(spec); got != want {
			t.Errorf("%s shows as %q, want %q", spec, got, want)
		}
	}
}
