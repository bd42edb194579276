use super::*;
use crate::seedrandom::Arc4;

fn random_samples(rng: &mut Arc4, n: usize, width: usize, regression: bool) -> Samples {
    let inputs = (0..n * width).map(|_| rng.uniform(-3.0, 3.0)).collect();
    let labels = (0..n)
        .map(|_| {
            let v = rng.uniform(-1.0, 1.0);
            if regression {
                v
            } else if v < 0.0 {
                -1.0
            } else {
                1.0
            }
        })
        .collect();
    Samples { width, inputs, labels }
}

fn sum_loss(net: &Network, s: &Samples) -> f64 {
    (0..s.len())
        .map(|i| {
            let d = net.forward(s.input(i)) - s.labels[i];
            0.5 * d * d
        })
        .sum()
}

/// Weight `k` of layer `l`, or bias `k - weights` past the weights.
fn param(n: &mut Network, l: usize, k: usize) -> &mut f64 {
    let nw = n.layers[l].weights.len();
    if k < nw { &mut n.layers[l].weights[k] } else { &mut n.layers[l].biases[k - nw] }
}

fn params(lr: f64, reg: Option<Regularization>, rate: f64, batch: usize) -> TrainParams {
    TrainParams { learning_rate: lr, regularization: reg, regularization_rate: rate, batch_size: batch }
}

/// Central differences of the summed loss against the accumulated derivatives, for every weight
/// and bias, with each activation as the hidden one and both output activations.
#[test]
fn gradients_match_finite_differences() {
    for act in Activation::ALL {
        for out_act in [Activation::Tanh, Activation::Linear] {
            let mut rng = Arc4::new(&format!("grad-{act:?}-{out_act:?}"));
            let mut net = Network::new(3, &[5, 4], act, out_act, Init::Random, &mut rng).unwrap();
            let samples = random_samples(&mut rng, 6, 3, out_act == Activation::Linear);
            let mut analytic = net.clone();
            // A batch larger than the set: derivatives accumulate and are never applied.
            let p = params(0.1, None, 0.0, 1000);
            scalar::train_epoch(&mut analytic, &mut Default::default(), &samples, &p);
            assert_eq!(analytic.pending(), 6);
            let h = 1e-6;
            for l in 0..net.layers.len() {
                for k in 0..net.layers[l].weights.len() + net.layers[l].biases.len() {
                    let orig = *param(&mut net, l, k);
                    *param(&mut net, l, k) = orig + h;
                    let up = sum_loss(&net, &samples);
                    *param(&mut net, l, k) = orig - h;
                    let down = sum_loss(&net, &samples);
                    *param(&mut net, l, k) = orig;
                    let fd = (up - down) / (2.0 * h);
                    let nw = net.layers[l].weights.len();
                    let an =
                        if k < nw { analytic.layers[l].acc_weights[k] } else { analytic.layers[l].acc_biases[k - nw] };
                    // ReLU has kinks; a point within h of one would spoil the difference, and
                    // the random inputs make that vanishingly unlikely but not impossible.
                    assert!(
                        (fd - an).abs() <= 1e-6 * (1.0 + an.abs()),
                        "{act:?}/{out_act:?} layer {l} param {k}: fd {fd} vs analytic {an}"
                    );
                }
            }
        }
    }
}

/// One full-batch update moves each weight by lr * (dLoss/dw / count + rate * dPenalty/dw), with
/// both derivatives taken by finite differences.
#[test]
fn regularization_step_matches_finite_differences() {
    for reg in [Regularization::L1, Regularization::L2] {
        let mut rng = Arc4::new(&format!("reg-{reg:?}"));
        let net = Network::new(2, &[3], Activation::Tanh, Activation::Tanh, Init::Random, &mut rng).unwrap();
        let samples = random_samples(&mut rng, 4, 2, false);
        let (lr, rate) = (0.01, 0.05);
        let mut trained = net.clone();
        scalar::train_epoch(&mut trained, &mut Default::default(), &samples, &params(lr, Some(reg), rate, 4));
        assert_eq!(trained.pending(), 0);
        let h = 1e-6;
        for l in 0..net.layers.len() {
            for k in 0..net.layers[l].weights.len() {
                let w0 = net.layers[l].weights[k];
                let mut up = net.clone();
                up.layers[l].weights[k] = w0 + h;
                let mut down = net.clone();
                down.layers[l].weights[k] = w0 - h;
                let g = (sum_loss(&up, &samples) - sum_loss(&down, &samples)) / (2.0 * h) / 4.0;
                let r = (reg.penalty(w0 + h) - reg.penalty(w0 - h)) / (2.0 * h);
                let expect = w0 - lr * g - lr * rate * r;
                let got = trained.layers[l].weights[k];
                if trained.layers[l].dead[k] {
                    assert_eq!(got, 0.0);
                    assert!((w0 - lr * g) * expect < 0.0, "died without the L1 push crossing zero");
                } else {
                    assert!((got - expect).abs() < 1e-8, "{reg:?} layer {l} weight {k}: {got} vs {expect}");
                }
            }
        }
    }
}

#[test]
fn l1_kills_links_that_its_push_carries_across_zero() {
    let mut rng = Arc4::new("dead");
    let mut net = Network::new(2, &[2], Activation::Linear, Activation::Linear, Init::Random, &mut rng).unwrap();
    net.layers[0].weights = vec![1e-4, -1e-4, 0.3, 0.0];
    let samples = Samples { width: 2, inputs: vec![0.0, 0.0], labels: vec![0.0] };
    // Inputs of 0 give no gradient on layer 0, so only the L1 push moves those weights.
    scalar::train_epoch(&mut net, &mut Default::default(), &samples, &params(0.1, Some(Regularization::L1), 0.01, 1));
    assert_eq!(net.layers[0].weights[..2], [0.0, 0.0]);
    assert_eq!(net.layers[0].dead, vec![true, true, false, false], "0.3 survives, exact 0 gets no pull");
    assert!((net.layers[0].weights[2] - (0.3 - 0.001)).abs() < 1e-15);
    // Dead links stay frozen whatever the gradient says.
    let before = net.clone();
    let samples = Samples { width: 2, inputs: vec![1.0, 1.0], labels: vec![5.0] };
    scalar::train_epoch(&mut net, &mut Default::default(), &samples, &params(0.1, Some(Regularization::L1), 0.01, 1));
    assert_eq!(net.layers[0].weights[..2], [0.0, 0.0]);
    assert_ne!(net.layers[0].weights[2], before.layers[0].weights[2]);
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 + 1e-9 * b.abs()
}

fn assert_nets_close(a: &Network, b: &Network, what: &str) {
    assert_eq!(a.pending, b.pending, "{what}: pending");
    for (l, (la, lb)) in a.layers.iter().zip(&b.layers).enumerate() {
        assert_eq!(la.dead, lb.dead, "{what}: dead links of layer {l}");
        for (name, xs, ys) in [
            ("weight", &la.weights, &lb.weights),
            ("bias", &la.biases, &lb.biases),
            ("acc weight", &la.acc_weights, &lb.acc_weights),
            ("acc bias", &la.acc_biases, &lb.acc_biases),
        ] {
            for (k, (x, y)) in xs.iter().zip(ys).enumerate() {
                assert!(close(*x, *y), "{what}: layer {l} {name} {k}: {x} vs {y}");
            }
        }
    }
}

/// Both paths agree on random networks, including shapes wider than the scalar cut-off, batches
/// that straddle epoch ends, L1 deaths and zero-input networks.
#[test]
fn batched_path_matches_scalar_path() {
    // (hidden shape, inputs, activation, regularization, batch size, samples)
    type Case = (&'static [usize], usize, Activation, Option<Regularization>, usize, usize);
    let cases: &[Case] = &[
        (&[4, 2], 2, Activation::Tanh, None, 10, 250),
        (&[], 3, Activation::Tanh, None, 7, 50),
        (&[40, 17], 7, Activation::Relu, Some(Regularization::L1), 3, 61),
        (&[33], 5, Activation::Sigmoid, Some(Regularization::L2), 31, 100),
        (&[20, 20, 20], 2, Activation::Linear, None, 1, 40),
        (&[8], 0, Activation::Tanh, None, 4, 10),
        (&[300, 17], 7, Activation::Tanh, None, 300, 290),
    ];
    for (i, &(shape, inputs, act, reg, batch, n)) in cases.iter().enumerate() {
        for regression in [false, true] {
            let mut rng = Arc4::new(&format!("paths-{i}-{regression}"));
            let out_act = if regression { Activation::Linear } else { Activation::Tanh };
            let net = Network::new(inputs, shape, act, out_act, Init::Random, &mut rng).unwrap();
            let samples = random_samples(&mut rng, n, inputs, regression);
            let p = params(0.03, reg, 0.01, batch);
            let (mut a, mut b) = (net.clone(), net);
            let (mut ts, mut tb) = (Trainer::new(TrainPath::Scalar), Trainer::new(TrainPath::Batched));
            for epoch in 0..4 {
                ts.train_epoch(&mut a, &samples, &p);
                tb.train_epoch(&mut b, &samples, &p);
                let what = format!("case {i} {shape:?} regression={regression} epoch {epoch}");
                assert_nets_close(&a, &b, &what);
                let (la, lb) = (ts.loss(&a, &samples), tb.loss(&b, &samples));
                assert!(close(la, lb), "{what}: loss {la} vs {lb}");
            }
        }
    }
}

#[test]
fn shape_limits_are_enforced() {
    let mut rng = Arc4::new("x");
    let mk = |h: &[usize], rng: &mut Arc4| Network::new(2, h, Activation::Tanh, Activation::Tanh, Init::Random, rng);
    assert!(mk(&[4096], &mut rng).is_ok());
    assert_eq!(mk(&[4, 0], &mut rng).unwrap_err(), NnError::Width { layer: Some(1), width: 0 });
    assert!(mk(&[MAX_WIDTH + 1], &mut rng).is_err());
    assert!(mk(&vec![2; MAX_HIDDEN_LAYERS + 1], &mut rng).is_err());
    let ten = mk(&[3; 10], &mut rng).unwrap();
    assert_eq!(ten.layers().len(), 11);
}

#[test]
fn init_zero_draws_but_discards() {
    let mut r1 = Arc4::new("z");
    let mut r2 = Arc4::new("z");
    let zero = Network::new(2, &[4, 2], Activation::Tanh, Activation::Tanh, Init::Zero, &mut r1).unwrap();
    let rand = Network::new(2, &[4, 2], Activation::Tanh, Activation::Tanh, Init::Random, &mut r2).unwrap();
    assert!(zero.layers().iter().all(|l| l.weights.iter().chain(&l.biases).all(|w| *w == 0.0)));
    assert!(rand.layers().iter().all(|l| l.biases.iter().all(|b| *b == 0.1)));
    assert_eq!(r1.next_f64(), r2.next_f64(), "both consumed the same draws");
}

#[test]
fn parts_round_trip_and_validation() {
    let mut rng = Arc4::new("parts");
    let net = Network::new(2, &[3], Activation::Relu, Activation::Tanh, Init::Random, &mut rng).unwrap();
    let back = Network::from_parts(net.layers().to_vec(), net.pending()).unwrap();
    assert_eq!(back, net);
    let mut bad = net.layers().to_vec();
    bad[1].weights.pop();
    assert!(Network::from_parts(bad, 0).is_err());
    let mut bad = net.layers().to_vec();
    bad[0].dead[0] = true;
    assert!(Network::from_parts(bad, 0).is_err());
}

/// A run saved between epochs (network parts with their pending derivatives, random stream) and
/// restored continues exactly like the unbroken run, on both paths, with batches straddling
/// epoch ends.
#[test]
fn saved_and_restored_state_continues_exactly() {
    for path in [TrainPath::Scalar, TrainPath::Batched] {
        let mut rng = Arc4::new("resume");
        let net = Network::new(3, &[9, 5], Activation::Tanh, Activation::Tanh, Init::Random, &mut rng).unwrap();
        let samples = random_samples(&mut rng, 33, 3, false);
        let p = params(0.05, Some(Regularization::L2), 0.01, 7);
        let mut trainer = Trainer::new(path);
        let mut unbroken = net.clone();
        for _ in 0..6 {
            trainer.train_epoch(&mut unbroken, &samples, &p);
        }
        let mut first = net;
        for _ in 0..3 {
            trainer.train_epoch(&mut first, &samples, &p);
        }
        assert!(first.pending() > 0, "33 samples in batches of 7 leave some pending");
        let saved_rng = rng.state();
        let (layers, pending) = (first.layers().to_vec(), first.pending());
        drop(first);
        let mut resumed = Network::from_parts(layers, pending).unwrap();
        let mut fresh = Trainer::new(path);
        for _ in 0..3 {
            fresh.train_epoch(&mut resumed, &samples, &p);
        }
        assert_eq!(resumed, unbroken, "{path:?}");
        let mut restored_rng = Arc4::from_state(&saved_rng).unwrap();
        assert_eq!(restored_rng.next_f64(), rng.next_f64());
    }
}
