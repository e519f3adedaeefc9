package bootstrap

import (
	"context"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/amqp"
	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// eventsModule publishes the events writes leave in the outbox. Without a
// broker nothing is published, and writes record no event, since nothing
// would ever take it out (Config.OutboxLimits).
func eventsModule(cfg Config) fx.Option {
	if cfg.AMQPURL == "" {
		return fx.Invoke(func(log *zap.Logger) {
			log.Named("events").Warn("CUSTOMER_AMQP_URL is empty: writes record no event and none is published")
		})
	}
	return fx.Module("events",
		fx.Provide(fx.Annotate(newPublisher, fx.As(new(application.EventPublisher)))),
		fx.Invoke(startRelay),
	)
}

// newPublisher connects in the background: a broker that is down at start
// does not keep the service from starting, only its events wait.
func newPublisher(lc fx.Lifecycle, cfg Config, log *zap.Logger) (*amqp.Publisher, error) {
	publisher, err := amqp.New(amqp.Config{URL: cfg.AMQPURL, Exchange: cfg.AMQPExchange}, log.Named("amqp"))
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(publisher.Close))
	return publisher, nil
}

func startRelay(lc fx.Lifecycle, cfg Config, outbox application.Outbox, publisher application.EventPublisher,
	clock application.Clock, m *metrics.Metrics, log *zap.Logger) error {
	relay, err := application.NewRelay(outbox, publisher, clock,
		application.RelayConfig{Owner: domain.NewID(), Lease: cfg.OutboxLease}, relayLog{log: log.Named("events"), metrics: m})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() {
				defer close(done)
				relay.Run(ctx)
			}()
			return nil
		},
		// The relay finishes the publish under way (bounded by its publish
		// timeout) and stops before the broker connection closes.
		OnStop: func(stop context.Context) error {
			cancel()
			select {
			case <-done:
				return nil
			case <-stop.Done():
				return stop.Err()
			}
		},
	})
	return nil
}

// relayLog reports the relay's work to logs and metrics; an event that
// fails stays in the outbox and is retried, so failures are warnings.
type relayLog struct {
	log     *zap.Logger
	metrics metrics.OutboxRecorder
}

func (l relayLog) Published(e application.Event) {
	l.log.Debug("event published", zap.String("event_id", e.ID), zap.String("type", string(e.Type)),
		zap.String("customer_id", e.CustomerID), zap.Int64("version", e.Version))
}

func (l relayLog) PublishFailed(e application.Event, err error) {
	l.metrics.RecordPublishFailure()
	l.log.Warn("event not published yet; it stays in the outbox", zap.String("event_id", e.ID),
		zap.String("type", string(e.Type)), zap.String("customer_id", e.CustomerID), zap.Error(err))
}

func (l relayLog) OutboxFailed(err error) {
	l.log.Warn("outbox unavailable; retrying", zap.Error(err))
}

func (l relayLog) Backlog(customers int64) { l.metrics.RecordOutboxBacklog(customers) }
