package bootstrap

import (
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// stopMargin is what closing the store may take once the HTTP server has
// drained.
const stopMargin = 5 * time.Second

// Options is the whole service for fx, given its configuration. Tests add
// options (fx.Populate, fx.Replace) to reach or swap a piece.
func Options(cfg Config) fx.Option {
	return fx.Options(
		fx.Supply(cfg),
		fx.Provide(NewLogger),
		fx.WithLogger(func(log *zap.Logger) fxevent.Logger {
			l := &fxevent.ZapLogger{Logger: log.Named("fx")}
			l.UseLogLevel(zapcore.DebugLevel)
			// fx's account of a failure is its wrapping and a stack; the
			// cause itself is what Run prints.
			l.UseErrorLevel(zapcore.DebugLevel)
			return l
		}),
		fx.StopTimeout(cfg.ShutdownTimeout+stopMargin),
		databaseModule(cfg),
		ApplicationModule,
		HTTPModule,
		AdminModule,
		eventsModule(cfg),
	)
}
